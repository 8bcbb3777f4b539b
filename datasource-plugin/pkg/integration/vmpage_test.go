package integration

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/internal/harness"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// What one VM page of the app costs upstream (docs/contracts.md §3 "What a VM page costs"): the
// requests the page makes at once (app-plugin/src/pages/VmDetail.tsx: me, vms/{id},
// options/guest-os, vms/{id}/history and the usage charts' metrics query), over gRPC against the
// small simulator estate, counted with the simulator's /__sim/calls. The VM folders' and resource
// pools' VM lists are made by the first VM page of a datacenter after a build, not by the build.

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

// vmListRoute is the simulator's counter of VM lists (GET /api/vcenter/vm?…, any filter).
const vmListRoute = "GET /api/vcenter/vm"

// estateCounts reads, straight from the simulator, the hosts of the whole estate (the build lists
// VMs per host) and the VM folders and resource pools of datacenter dc (the first VM page there
// lists each one's VMs). Call it before resetting the counters: these reads are counted too.
func estateCounts(t *testing.T, e *vmopsEnv, dc string) (hosts, containers int) {
	t.Helper()
	vc := e.vc()
	hs, err := vc.ListHosts(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	folders, err := vc.ListFolders(ctx(t), vcenter.ListFilter{"datacenters": {dc}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range folders {
		if f.Type == "VIRTUAL_MACHINE" {
			containers++
		}
	}
	clusters, err := vc.ListClusters(ctx(t), vcenter.ListFilter{"datacenters": {dc}})
	if err != nil {
		t.Fatal(err)
	}
	for _, cl := range clusters {
		pools, err := vc.ListResourcePools(ctx(t), vcenter.ListFilter{"clusters": {cl.Cluster}})
		if err != nil {
			t.Fatal(err)
		}
		containers += len(pools)
	}
	return len(hs), containers
}

func TestVMPageUpstreamCalls(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	vms := e.items("vms") // the VM list the user came from: the inventory is cached
	var running, stopped, dc string
	for _, v := range vms {
		if running == "" && v["powerState"] == "POWERED_ON" && v["ip"] != nil {
			running, dc = v["id"].(string), v["datacenter"].(string)
		}
	}
	for _, v := range vms {
		if stopped == "" && v["powerState"] == "POWERED_OFF" && v["datacenter"] == dc {
			stopped = v["id"].(string)
		}
	}
	if running == "" || stopped == "" {
		t.Fatalf("the estate lacks a running VM with Tools and a stopped VM in one datacenter: %v", vms)
	}
	hosts, containers := estateCounts(t, e, dc)
	if containers < 2 {
		t.Fatalf("datacenter %s has %d VM folders and resource pools; the test needs some", dc, containers)
	}
	for _, tc := range []struct {
		name       string
		id         string
		vc, vr     int
		containers int
	}{
		// The first VM page of the datacenter since the build: GET vm + guest identity, then local
		// file systems + network interfaces, and the VMs of each of the datacenter's VM folders and
		// resource pools (once per inventory snapshot); one bulk stats call.
		{"first page", running, 4 + containers, 1, containers},
		// The same page again, and a stopped VM (GET vm only): the lists are cached.
		{"second page", running, 4, 1, 0},
		{"stopped VM", stopped, 1, 1, 0},
	} {
		e.resetCalls()
		loadVMPage(t, e, tc.id)
		vc, vr, routes := pageCalls(t, e.sim)
		if vc != tc.vc || vr != tc.vr || routes[vmListRoute] != tc.containers {
			t.Errorf("%s (%s): %d vCenter calls (%d VM lists) and %d vROps calls, want %d (%d) and %d: %v",
				tc.name, tc.id, vc, routes[vmListRoute], vr, tc.vc, tc.containers, tc.vr, routes)
		}
	}

	// The same page on a data source instance that has read nothing yet (a deep link). The build
	// alone lists VMs per host only, no folder's or pool's VMs; the page's requests share one build
	// and one id map, and on top of them the page costs what the first page above cost.
	cold := e.fresh()
	cold.resetCalls()
	if status, raw, err := plug.Call(ctx(t), cold.inst, adminUser, http.MethodGet, "vms/"+stopped+"/history", nil); err != nil || status != 200 { // the build alone
		t.Fatalf("history: %d %s %v", status, raw, err)
	}
	buildVC, _, buildRoutes := pageCalls(t, e.sim)
	if buildRoutes[vmListRoute] != hosts {
		t.Errorf("the build made %d VM lists, want one per host (%d), no folder or pool lists: %v", buildRoutes[vmListRoute], hosts, buildRoutes)
	}
	cold = e.fresh()
	cold.resetCalls()
	loadVMPage(t, cold, running)
	vc, vr, routes := pageCalls(t, e.sim)
	if vc != buildVC+4+containers || routes[vmListRoute] != hosts+containers {
		t.Errorf("cold VM page: %d vCenter calls (%d VM lists), want the build's %d + 4 + %d container lists: %v", vc, routes[vmListRoute], buildVC, containers, routes)
	}
	t.Logf("cold VM page: %d vCenter calls (build %d + 4 + %d container lists), %d vROps calls: %v", vc, buildVC, containers, vr, routes)
}
