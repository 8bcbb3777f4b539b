package vcenter

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/privatecloud/vsphere/pkg/models"
)

// Long operations as vCenter tasks: the same call with `vmw-task=true` answers a task id at once,
// and GET /api/cis/tasks/{task} (`cis.task.Info`, VMware's bindings com.vmware.cis.task_client)
// reports status, progress and the operation's result.

// TaskInfo is GET /api/cis/tasks/{task} (the fields we use).
type TaskInfo struct {
	Status      string  `json:"status"` // PENDING, RUNNING, BLOCKED, SUCCEEDED, FAILED
	Description Message `json:"description"`
	Progress    *struct {
		Total     int64   `json:"total"`
		Completed int64   `json:"completed"`
		Message   Message `json:"message"`
	} `json:"progress,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     json.RawMessage `json:"error,omitempty"`
	StartTime string          `json:"start_time,omitempty"`
	EndTime   string          `json:"end_time,omitempty"`
}

// Failure is the task's error as a typed error (classified like a direct call's error).
func (t *TaskInfo) Failure(op string) error {
	e := &APIError{Status: http.StatusBadRequest, Op: op}
	if len(t.Error) > 0 {
		_ = json.Unmarshal(t.Error, e)
	}
	return e
}

// ResultID is a result that is an object id (clone, deploy); "" otherwise.
func (t *TaskInfo) ResultID() string { return parseToken(t.Result) }

func (c *Client) startTask(ctx context.Context, path, action string, body any, op string) (string, error) {
	var raw []byte
	err := c.do(ctx, request{method: http.MethodPost, path: path, query: url.Values{"action": {action}, "vmw-task": {"true"}}, body: body, rawOut: &raw, op: op})
	if err != nil {
		return "", err
	}
	id := parseToken(raw)
	if id == "" {
		return "", fmt.Errorf("%w: vCenter started %s but answered without a task id", models.ErrOutcomeUnknown, op)
	}
	return id, nil
}

// CloneVMTask starts a clone as a task.
func (c *Client) CloneVMTask(ctx context.Context, spec CloneSpec) (string, error) {
	return c.startTask(ctx, "/api/vcenter/vm", "clone", spec, "clone of VM "+spec.Source+" to "+spec.Name)
}

// RelocateVMTask starts a relocate as a task.
func (c *Client) RelocateVMTask(ctx context.Context, id string, spec RelocateSpec) (string, error) {
	return c.startTask(ctx, "/api/vcenter/vm/"+url.PathEscape(id), "relocate", spec, "relocate of VM "+id)
}

// DeployTemplateTask starts a template deploy as a task.
func (c *Client) DeployTemplateTask(ctx context.Context, item string, spec DeploySpec) (string, error) {
	return c.startTask(ctx, "/api/vcenter/vm-template/library-items/"+url.PathEscape(item), "deploy", spec, "deploy of template "+item+" as "+spec.Name)
}

// GetTask reads a task's status, progress and result.
func (c *Client) GetTask(ctx context.Context, id string) (*TaskInfo, error) {
	out := &TaskInfo{}
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/cis/tasks/" + url.PathEscape(id), out: out, op: "read of task " + id, idempotent: true})
	return out, err
}
