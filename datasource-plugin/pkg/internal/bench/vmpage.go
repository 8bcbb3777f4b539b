package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/internal/harness"
)

// vmPage is one VM page of the app measured over gRPC: its requests made at once, as the browser
// does (app-plugin/src/pages/VmDetail.tsx), on a cached inventory. lists are the VM lists among
// the vCenter calls: the VM folders' and resource pools' lists of the VM's datacenter, made by the
// first VM page there after a build (docs/contracts.md §3 "What a VM page costs").
type vmPage struct {
	took             time.Duration
	vc, vrops, lists int
}

// measureVMPage loads the page of the VM id (GET me, vms/{id}, options/guest-os, vms/{id}/history
// and the charts' 24 h metrics query) and counts the simulator's vCenter and vROps calls.
func measureVMPage(ctx context.Context, p *harness.Plugin, inst *harness.Instance, sim *harness.Simulator, id string) (vmPage, error) {
	user := &backend.User{Login: "bench", Email: "bench@example.com", Role: "Admin"}
	if err := sim.Control(http.MethodPost, "/__sim/calls/reset", nil, nil); err != nil {
		return vmPage{}, err
	}
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	t := time.Now()
	for _, path := range []string{"me", "vms/" + id, "options/guest-os", "vms/" + id + "/history"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, raw, err := p.Call(ctx, inst, user, http.MethodGet, path, nil); err != nil || status != http.StatusOK {
				errs <- fmt.Errorf("GET %s: %d %s %v", path, status, raw, err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		now := time.Now()
		resp, err := p.Query(ctx, inst, user, now.Add(-24*time.Hour), now, map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine",
			"selection": map[string]any{"mode": "ids", "ids": []string{id}}, "statKeys": []string{"cpu|usage_average", "mem|usage_average"}, "rollUp": "AVG", "interval": "1h"})
		if err == nil {
			err = resp.Responses["Q0"].Error
		}
		if err != nil {
			errs <- fmt.Errorf("metrics query: %w", err)
		}
	}()
	wg.Wait()
	took := time.Since(t)
	close(errs)
	if err := <-errs; err != nil {
		return vmPage{}, err
	}
	calls, err := sim.Calls()
	if err != nil {
		return vmPage{}, err
	}
	return vmPage{took: took, vc: calls.Route(" /api/"), vrops: calls.Route("/suite-api/"), lists: calls.Routes["GET /api/vcenter/vm"]}, nil
}
