package resources

import (
	"sync"
	"time"
)

// followups are the backend's own steps after a vCenter task succeeded (docs/contracts.md §3
// "Tasks": guest customization, power on). vCenter's task reads SUCCEEDED once its part is done;
// GET tasks/{task} reads RUNNING with the step's message until the backend's steps ended too.

// followup is one task's own steps.
type followup struct {
	message  string
	finished bool
	vm       string
	err      error
	ended    time.Time
}

type followups struct {
	mu sync.Mutex
	m  map[string]*followup
}

// followupKeep is how long a finished task's steps stay readable.
const followupKeep = 30 * time.Minute

// begin registers a task with steps to come; finished ones past followupKeep are dropped.
func (f *followups) begin(task string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[string]*followup{}
	}
	for k, v := range f.m {
		if v.finished && time.Since(v.ended) > followupKeep {
			delete(f.m, k)
		}
	}
	f.m[task] = &followup{}
}

func (f *followups) step(task, message string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u := f.m[task]; u != nil {
		u.message = message
	}
}

func (f *followups) finish(task, vm string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u := f.m[task]; u != nil {
		u.finished, u.vm, u.err, u.ended = true, vm, err, time.Now()
	}
}

// Progress while the backend's steps run: vCenter's part is scaled to 0–90 %.
const (
	vcenterShare      = 90
	progressCustomize = 92
	progressPowerOn   = 96
)

// over is vCenter's task status with the backend's own steps laid over it.
func (f *followups) over(st TaskStatus) TaskStatus {
	f.mu.Lock()
	var u followup
	p := f.m[st.ID]
	if p != nil {
		u = *p
	}
	f.mu.Unlock()
	if p == nil {
		return st
	}
	switch st.Status {
	case "SUCCEEDED":
		switch {
		case !u.finished:
			st.Status, st.Done, st.VM = "RUNNING", false, ""
			st.Message, st.Progress = u.message, progressCustomize
			if u.message == "" {
				st.Message, st.Progress = "Finishing", vcenterShare
			} else if u.message == stepPoweringOn {
				st.Progress = progressPowerOn
			}
		case u.err != nil:
			st.Status, st.Error, st.VM = "FAILED", u.err.Error(), u.vm
		default:
			st.VM = u.vm
		}
	case "FAILED":
	default:
		st.Progress = st.Progress * vcenterShare / 100
	}
	return st
}
