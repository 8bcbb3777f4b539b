package integration

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// ?async=true: clone and migrate run as vCenter tasks (the simulator's take 3 s); the app polls
// GET tasks/{task}, and the outcome is audited when the task ends.

// waitTask polls a task until it is done and checks that progress never goes back.
func (e *vmopsEnv) waitTask(id string) map[string]any {
	e.t.Helper()
	last := -1.0
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		status, body := e.call(viewerUser, http.MethodGet, "tasks/"+id, nil)
		if status != 200 {
			e.t.Fatalf("task %s: %d %v", id, status, body)
		}
		p, _ := body["progress"].(float64)
		if p < last || p > 100 {
			e.t.Fatalf("progress went from %v to %v", last, p)
		}
		last = p
		if body["done"] == true {
			return body
		}
		switch body["status"] {
		case "PENDING", "RUNNING", "BLOCKED":
		default:
			e.t.Fatalf("task not done but %v", body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.t.Fatalf("task %s did not end", id)
	return nil
}

// waitOutcome waits for the audit outcome that names the task (the intent, recorded before vCenter
// started it, cannot) and checks that an intent of the same operation came first.
func (e *vmopsEnv) waitOutcome(action, task string) map[string]any {
	e.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		evs := e.events(action)
		for i, ev := range evs {
			if param(ev, "task") == task && param(ev, "auditPhase") == "outcome" {
				for _, in := range evs[:i] {
					if param(in, "auditPhase") == "intent" && sameOp(in, ev) {
						return ev
					}
				}
				e.t.Fatalf("outcome without an earlier intent: %v", evs)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.t.Fatalf("no %s outcome for task %s: %v", action, task, e.events(action))
	return nil
}

func TestCloneAndMigrateAsTasks(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	// Two clones with one name: both pass the checks, vCenter's second task fails (name taken).
	var tasks []string
	for range 2 {
		status, body := e.call(adminUser, http.MethodPost, "vms/"+es.vm+"/clone?async=true", map[string]any{"name": "clone-task-01", "placement": map[string]any{"cluster": es.cluster}})
		task, _ := body["task"].(string)
		if status != 202 || task == "" {
			t.Fatalf("async clone: %d %v", status, body)
		}
		tasks = append(tasks, task)
	}
	// Which of the two gets the name is vCenter's business: exactly one succeeds.
	a, b := e.waitTask(tasks[0]), e.waitTask(tasks[1])
	okTask, failTask := tasks[0], tasks[1]
	if a["status"] != "SUCCEEDED" {
		a, b = b, a
		okTask, failTask = failTask, okTask
	}
	id, _ := a["vm"].(string)
	if a["status"] != "SUCCEEDED" || a["progress"] != float64(100) || !strings.HasPrefix(id, "vm-") {
		t.Fatalf("succeeded clone task: %v", a)
	}
	if b["status"] != "FAILED" || !strings.Contains(b["error"].(string), "already exists") {
		t.Fatalf("failed clone task: %v", b)
	}
	if ev := e.waitOutcome("clone", okTask); ev["outcome"] != "success" || ev["vm"].(map[string]any)["id"] != id {
		t.Fatalf("clone outcome: %v", ev)
	}
	if ev := e.waitOutcome("clone", failTask); ev["outcome"] != "refused" || !strings.Contains(ev["error"].(string), "already exists") {
		t.Fatalf("failed clone outcome: %v", ev)
	}
	if v := e.vm(id); v == nil || v["name"] != "clone-task-01" || v["cluster"] != es.cluster {
		t.Fatalf("inventory after the clone task: %v", v)
	}
	// Migrate as a task: the cache shows the new host once the outcome is recorded.
	status, body := e.call(vmopsEditor, http.MethodPost, "vms/"+es.vm+"/migrate?async=true", map[string]any{"host": es.otherHost})
	task, _ := body["task"].(string)
	if status != 202 || task == "" {
		t.Fatalf("async migrate: %d %v", status, body)
	}
	if done := e.waitTask(task); done["status"] != "SUCCEEDED" {
		t.Fatalf("migrate task: %v", done)
	}
	if ev := e.waitOutcome("migrate", task); ev["outcome"] != "success" || param(ev, "toHost") != es.otherHost {
		t.Fatalf("migrate outcome: %v", ev)
	}
	if v := e.vm(es.vm); v["host"] != es.otherHost {
		t.Fatalf("inventory after the migrate task: %v", v)
	}
	if status, body := e.call(viewerUser, http.MethodGet, "tasks/..%2Fx", nil); status != 400 {
		t.Fatalf("bad task id: %d %v", status, body)
	}
}
