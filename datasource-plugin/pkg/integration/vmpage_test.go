package integration

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/internal/harness"
)

// What one VM page of the app costs upstream (docs/contracts.md §3 "What a VM page costs"): the
// requests the page makes at once (app-plugin/src/pages/VmDetail.tsx: me, vms/{id},
// options/guest-os, vms/{id}/history and the usage charts' metrics query), over gRPC against the
// small simulator estate, counted with the simulator's /__sim/calls.

// loadVMPage makes the VM page's requests concurrently, as the browser does, and fails on any
// error answer.
func loadVMPage(t *testing.T, e *vmopsEnv, id string) {
	t.Helper()
	var wg sync.WaitGroup
	for _, p := range []string{"me", "vms/" + id, "options/guest-os", "vms/" + id + "/history"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, raw, err := plug.Call(ctx(t), e.inst, adminUser, http.MethodGet, p, nil)
			if err != nil || status != http.StatusOK {
				t.Errorf("GET %s: %d %s %v", p, status, raw, err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		now := time.Now()
		resp, err := plug.Query(ctx(t), e.inst, adminUser, now.Add(-24*time.Hour), now, map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine",
			"selection": map[string]any{"mode": "ids", "ids": []string{id}}, "statKeys": []string{"cpu|usage_average", "mem|usage_average"}, "rollUp": "AVG", "interval": "1h"})
		if err != nil || resp.Responses["Q0"].Error != nil {
			t.Errorf("metrics query: %v %v", err, resp)
		}
	}()
	wg.Wait()
}

// pageCalls splits counted calls into vCenter (/api/…) and vROps (/suite-api/…).
func pageCalls(t *testing.T, sim *harness.Simulator) (vc, vr int, routes map[string]int) {
	t.Helper()
	c, err := sim.Calls()
	if err != nil {
		t.Fatal(err)
	}
	return c.Route(" /api/"), c.Route("/suite-api/"), c.Routes
}

func TestVMPageUpstreamCalls(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	vms := e.items("vms") // the VM list the user came from: the inventory is cached
	var running, stopped string
	for _, v := range vms {
		switch {
		case running == "" && v["powerState"] == "POWERED_ON" && v["ip"] != nil:
			running = v["id"].(string)
		case stopped == "" && v["powerState"] == "POWERED_OFF":
			stopped = v["id"].(string)
		}
	}
	if running == "" || stopped == "" {
		t.Fatalf("the estate lacks a running VM with Tools or a stopped VM: %v", vms)
	}
	for _, tc := range []struct {
		id     string
		vc, vr int
	}{
		// GET vm + guest identity, then local file systems + network interfaces; one bulk stats call.
		{running, 4, 1},
		// GET vm only; one bulk stats call.
		{stopped, 1, 1},
	} {
		e.resetCalls()
		loadVMPage(t, e, tc.id)
		vc, vr, routes := pageCalls(t, e.sim)
		if vc != tc.vc || vr != tc.vr {
			t.Errorf("VM page of %s: %d vCenter and %d vROps calls, want %d and %d: %v", tc.id, vc, vr, tc.vc, tc.vr, routes)
		}
	}

	// The same page on a data source instance that has read nothing yet (a deep link): the page's
	// requests share one inventory build and one id map; on top of them the page costs the same.
	cold := e.fresh()
	cold.resetCalls()
	if status, raw, err := plug.Call(ctx(t), cold.inst, adminUser, http.MethodGet, "vms/"+stopped+"/history", nil); err != nil || status != 200 { // the build alone
		t.Fatalf("history: %d %s %v", status, raw, err)
	}
	buildVC, _, _ := pageCalls(t, e.sim)
	cold = e.fresh()
	cold.resetCalls()
	loadVMPage(t, cold, running)
	vc, vr, routes := pageCalls(t, e.sim)
	if vc != buildVC+4 {
		t.Errorf("cold VM page: %d vCenter calls, want the build's %d + 4: %v", vc, buildVC, routes)
	}
	t.Logf("cold VM page: %d vCenter calls (build %d + 4), %d vROps calls: %v", vc, buildVC, vr, routes)
}
