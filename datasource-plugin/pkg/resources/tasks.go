package resources

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/privatecloud/vsphere/pkg/apierr"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// Clone, migrate and deploy as vCenter tasks (docs/contracts.md §3 "Tasks"): with `?async=true`
// the change is checked and its intent audited as usual, vCenter starts it with `vmw-task=true`
// and the answer is `202 {"task": id}` at once; the backend then follows the task and, when it
// ends, updates the cache and audits the outcome. GET tasks/{task} is the progress for the app.

// Tasker is what the task variants need from vCenter.
type Tasker interface {
	CloneVMTask(ctx context.Context, spec vcenter.CloneSpec) (string, error)
	RelocateVMTask(ctx context.Context, id string, spec vcenter.RelocateSpec) (string, error)
	DeployTemplateTask(ctx context.Context, item string, spec vcenter.DeploySpec) (string, error)
	GetTask(ctx context.Context, id string) (*vcenter.TaskInfo, error)
}

// TaskStatus is the answer of GET tasks/{task}.
type TaskStatus struct {
	ID       string `json:"id"`
	Status   string `json:"status"`   // PENDING, RUNNING, BLOCKED, SUCCEEDED, FAILED
	Progress int64  `json:"progress"` // percent, 0–100
	Message  string `json:"message"`
	Done     bool   `json:"done"`
	// VM is the new VM's id when a clone or deploy succeeded.
	VM    string `json:"vm,omitempty"`
	Error string `json:"error,omitempty"`
}

// taskIDPattern is vCenter's task id shape ("<uuid>:com.vmware.vcenter.vm" and the like).
var taskIDPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}:[A-Za-z0-9._-]{1,128}$`)

// Task polling: how often, and for how long at most before the outcome is "unknown".
var (
	taskPoll    = time.Second
	taskTimeout = 2 * time.Hour
)

func wantsTask(r *http.Request) bool { return r.URL.Query().Get("async") == "true" }

func (a *API) tasker() Tasker {
	tk, _ := a.d.VCenter.(Tasker)
	return tk
}

func statusOf(id string, info *vcenter.TaskInfo) TaskStatus {
	ts := TaskStatus{ID: id, Status: info.Status, Message: info.Description.DefaultMessage}
	if p := info.Progress; p != nil {
		if p.Total > 0 {
			ts.Progress = p.Completed * 100 / p.Total
		}
		if p.Message.DefaultMessage != "" {
			ts.Message = p.Message.DefaultMessage
		}
	}
	switch info.Status {
	case "SUCCEEDED":
		ts.Done, ts.Progress, ts.VM = true, 100, info.ResultID()
	case "FAILED":
		ts.Done = true
		ts.Error = info.Failure("task " + id).Error()
	}
	return ts
}

func (a *API) task(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("task")
	if !taskIDPattern.MatchString(id) {
		writeError(w, http.StatusBadRequest, "bad_request", "the task id is not a vCenter task id")
		return
	}
	tk := a.tasker()
	if tk == nil {
		a.writeErr(w, r, errNoMover)
		return
	}
	info, err := tk.GetTask(r.Context(), id)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.follow.over(statusOf(id, info)))
}

// runTask starts the change as a task (after its intent is recorded), answers 202 and follows
// the task in the background; done applies a success to the cache and returns the VM id the
// outcome is about.
func (a *API) runTask(m *mutation, start func(context.Context) (string, error), done func(ctx context.Context, result string) string) {
	a.runTaskThen(m, start, nil, done)
}

// runTaskThen is runTask with the backend's own steps after vCenter's task succeeded (guest
// customization, power on: customize.go). Until they end, GET tasks/{task} reads RUNNING with the
// step's message (followups.go); the outcome is audited once, when everything ended.
func (a *API) runTaskThen(m *mutation, start func(context.Context) (string, error), after func(ctx context.Context, vm string, step func(string)) error,
	done func(ctx context.Context, result string) string) {
	id, err := start(m.r.Context())
	if err != nil {
		m.fail(err)
		return
	}
	m.params["task"] = id
	if after != nil {
		a.follow.begin(id)
	}
	writeJSON(m.w, http.StatusAccepted, map[string]string{"task": id})
	tk := a.tasker()
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(m.r.Context()), taskTimeout)
		defer cancel()
		failures := 0
		end := func(vm string, err error) {
			if after != nil {
				a.follow.finish(id, vm, err)
			}
		}
		for {
			select {
			case <-ctx.Done():
				a.d.Query.Inventory.Invalidate()
				err := errors.New("the vCenter task " + id + " was not followed to its end: check the VM")
				end("", err)
				m.emit("unknown", err)
				return
			case <-time.After(taskPoll):
			}
			info, err := tk.GetTask(ctx, id)
			if err != nil {
				if failures++; failures >= 30 {
					a.d.Query.Inventory.Invalidate()
					end("", err)
					m.emit("unknown", err)
					return
				}
				continue
			}
			failures = 0
			switch info.Status {
			case "SUCCEEDED":
				vm := info.ResultID()
				var aerr error
				if after != nil {
					aerr = after(ctx, vm, func(msg string) { a.follow.step(id, msg) })
				}
				if v := done(ctx, vm); v != "" {
					m.vmID = v
				}
				end(vm, aerr)
				if aerr != nil {
					m.emit("failed", aerr)
					return
				}
				m.emit("success", nil)
				return
			case "FAILED":
				ferr := info.Failure("task " + id)
				end("", ferr)
				outcome := "failed"
				if c := apierr.Classify(ferr).Status; c == http.StatusBadRequest || c == http.StatusConflict {
					outcome = "refused"
				}
				log.DefaultLogger.Info("vCenter task failed", "task", id, "action", m.action, "error", ferr)
				m.emit(outcome, ferr)
				return
			}
		}
	}()
}
