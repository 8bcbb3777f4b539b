package resources

import (
	"errors"
	"testing"
)

// The backend's own steps laid over vCenter's task status: RUNNING with the step's message until
// they end, vCenter's own progress scaled below them, done only when everything ended.
func TestFollowupsOverTaskStatus(t *testing.T) {
	var f followups
	vcOK := TaskStatus{ID: "t-1:com.vmware.vcenter.vm", Status: "SUCCEEDED", Progress: 100, Done: true, VM: "vm-5"}
	vcRunning := TaskStatus{ID: "t-1:com.vmware.vcenter.vm", Status: "RUNNING", Progress: 50, Message: "Cloning"}
	if got := f.over(vcOK); got != vcOK {
		t.Fatalf("a task without steps changed: %+v", got)
	}
	f.begin(vcOK.ID)
	for _, tc := range []struct {
		name string
		set  func()
		in   TaskStatus
		want TaskStatus
	}{
		{"vCenter running", func() {}, vcRunning, TaskStatus{ID: vcRunning.ID, Status: "RUNNING", Progress: 45, Message: "Cloning"}},
		{"vCenter done, steps not started", func() {}, vcOK, TaskStatus{ID: vcOK.ID, Status: "RUNNING", Progress: 90, Message: "Finishing"}},
		{"customizing", func() { f.step(vcOK.ID, stepCustomizing) }, vcOK, TaskStatus{ID: vcOK.ID, Status: "RUNNING", Progress: 92, Message: "Customizing guest"}},
		{"powering on", func() { f.step(vcOK.ID, stepPoweringOn) }, vcOK, TaskStatus{ID: vcOK.ID, Status: "RUNNING", Progress: 96, Message: "Powering on"}},
		{"all done", func() { f.finish(vcOK.ID, "vm-5", nil) }, vcOK, vcOK},
		{"a step failed", func() { f.finish(vcOK.ID, "vm-5", errors.New("VM vm-5 was created but did not power on")) }, vcOK,
			TaskStatus{ID: vcOK.ID, Status: "FAILED", Progress: 100, Done: true, VM: "vm-5", Error: "VM vm-5 was created but did not power on"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.set()
			if got := f.over(tc.in); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
