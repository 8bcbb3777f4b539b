package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/privatecloud/vsphere/pkg/internal/harness"
)

// runMultiVCenter measures several vCenters behind one vROps (issue 13; docs/contracts.md §1):
// `go run ./pkg/internal/bench -vcenters 3` (or `npm run bench -w privatecloud-vsphere-datasource --
// -vcenters 3`). The simulator serves n vCenters of 10,000 VMs each with colliding MoRefs and
// production-shaped vROps data at 20 ms latency; one plugin process holds one data source per
// vCenter. It prints, from one run: the cold inventory of every vCenter (built concurrently, as a
// dashboard with one panel per data source does), metrics for 2,000 VMs × 24 h hourly of the last
// vCenter against one bulk vROps round trip and against per-VM fetching, and the plugin's RSS with
// every inventory and id map cached.
func runMultiVCenter(n int) error {
	const vms = 10000
	sim, err := harness.StartSimulator("--vcenters", fmt.Sprint(n), "--vms", fmt.Sprint(vms), "--seed", "1", "--latency-ms", "20",
		"--metrics-shape", "production")
	if err != nil {
		return err
	}
	defer sim.Close()
	var vcs []struct {
		Index        int    `json:"index"`
		InstanceUUID string `json:"instanceUuid"`
	}
	if err := sim.Control(http.MethodGet, "/__sim/vcenters", nil, &vcs); err != nil || len(vcs) != n {
		return fmt.Errorf("simulator vCenters: %v (%d)", err, len(vcs))
	}
	p, err := harness.StartPlugin()
	if err != nil {
		return err
	}
	defer p.Close()
	insts := make([]*harness.Instance, n)
	for k := range insts {
		insts[k] = harness.NewInstance(int64(k+1), sim, "", "", map[string]any{"vcenterUrl": fmt.Sprintf("%s/vc/%d", sim.URL, k+1), "cacheTtlSeconds": 3600})
	}
	ctx := context.Background()
	now := time.Now()
	inv := func() map[string]any { return map[string]any{"queryType": "inventory", "entity": "vms"} }

	// Cold inventory of every vCenter, concurrently.
	ids := make([][]string, n)
	took := make([]time.Duration, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	t0 := time.Now()
	for k := range insts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.Now()
			resp, err := p.Query(ctx, insts[k], nil, now.Add(-time.Hour), now, inv())
			took[k] = time.Since(t)
			if err != nil {
				errs[k] = err
				return
			}
			r := resp.Responses["Q0"]
			if r.Error != nil {
				errs[k] = r.Error
				return
			}
			if rows := r.Frames[0].Rows(); rows != vms {
				errs[k] = fmt.Errorf("vCenter %d inventory has %d VMs, want %d", k+1, rows, vms)
				return
			}
			f, _ := r.Frames[0].FieldByName("id")
			for i := 0; i < f.Len() && len(ids[k]) < 2000; i++ {
				ids[k] = append(ids[k], f.At(i).(string))
			}
		}()
	}
	wg.Wait()
	coldAll := time.Since(t0)
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	calls, _ := sim.Calls()
	invCalls := calls.Total

	// Metrics for 2,000 VMs of the last vCenter (MoRefs shared with every other vCenter): warm
	// every instance's id map once, then measure.
	to := now.Truncate(time.Hour)
	mq := func(k int) map[string]any {
		return map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine", "selection": map[string]any{"mode": "ids", "ids": ids[k]},
			"statKeys": []string{"cpu|usage_average"}, "rollUp": "AVG", "interval": "1h"}
	}
	for k := range insts {
		resp, err := p.Query(ctx, insts[k], nil, to.Add(-24*time.Hour), to, mq(k))
		if err != nil {
			return err
		}
		if r := resp.Responses["Q0"]; r.Error != nil || len(r.Frames) != len(ids[k]) {
			return fmt.Errorf("metrics warm-up of vCenter %d: %v, %d frames", k+1, r.Error, len(r.Frames))
		}
	}
	last := n - 1
	mt, metricCalls, statsCalls, err := timedMetrics(ctx, p, insts[last], sim, to, mq(last))
	if err != nil {
		return err
	}

	// One bulk vROps round trip for 1,000 of the same VMs (this vCenter's resources), straight to vROps.
	tok, err := token(sim.URL)
	if err != nil {
		return err
	}
	rids, err := vropsIDsOf(sim.URL, tok, vcs[last].InstanceUUID, ids[last][:1000])
	if err != nil {
		return err
	}
	if len(rids) != 1000 {
		return fmt.Errorf("found %d vROps resources for 1,000 VMs of vCenter %d", len(rids), n)
	}
	bulk, err := bulkRoundTrips(sim.URL, tok, rids, to)
	if err != nil {
		return err
	}
	rss := rssMiB(p.Pid())
	perVM := len(ids[last])

	fmt.Printf("privatecloud-vsphere-datasource multi-vCenter benchmark (simulator: %d vCenters x %d VMs, one vROps, production-shaped metrics, 20 ms latency)\n", n, vms)
	for k := range took {
		fmt.Printf("inventory build (cold, vCenter %d, 10,000 VMs):  %s\n", k+1, ms(took[k]))
	}
	fmt.Printf("inventory build (cold, all %d concurrently):     %s, %d upstream calls\n", n, ms(coldAll), invCalls)
	fmt.Printf("metrics 2,000 VMs x 24 h hourly (vCenter %d):     median %s, %d upstream calls (%d bulk stats calls)\n", n, ms(median(mt)), metricCalls, statsCalls)
	fmt.Printf("one bulk stats round trip (1,000 ids):           median %s\n", ms(median(bulk)))
	fmt.Printf("RATIO metrics query / one bulk round trip: %.2fx (target <= 3x)\n", float64(median(mt))/float64(median(bulk)))
	fmt.Printf("RATIO per-VM calls / our calls:            %d / %d = %.0fx fewer (target >= 500x)\n", perVM, metricCalls, float64(perVM)/float64(max(metricCalls, 1)))
	fmt.Printf("RSS of plugin with %d x 10,000-VM inventories and id maps cached: %.1f MiB (target < 200 MiB)\n", n, rss)
	return nil
}

// vropsIDsOf finds the vROps resource ids of the given MoRefs of one vCenter (by VMEntityVCID and
// VMEntityObjectID, never by MoRef alone).
func vropsIDsOf(base, tok, vcid string, morefs []string) ([]string, error) {
	want := setOf(morefs)
	return vmResourceIDs(base, tok, func(moref, vc string) bool { return vc == vcid && want[moref] })
}
