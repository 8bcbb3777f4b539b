// Command bench measures the backend against the simulator with 20 ms latency and prints ratios
// measured in one run: metrics for 2,000 VMs over 24 h hourly versus one bulk upstream round trip,
// upstream calls versus per-VM fetching, cached inventory query time, and plugin RSS with a
// 10,000-VM inventory cached. Run with `npm run bench -w privatecloud-vsphere-datasource`; with
// `-vcenters N` (N ≥ 2) it measures N vCenters behind one vROps instead (multivc.go).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/internal/harness"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

func main() {
	vcenters := flag.Int("vcenters", 1, "vCenters behind one vROps: 1 = the single-vCenter benchmark, N >= 2 = the multi-vCenter one")
	flag.Parse()
	run := run
	if *vcenters >= 2 {
		run = func() error { return runMultiVCenter(*vcenters) }
	} else if *vcenters < 1 {
		fmt.Fprintln(os.Stderr, "bench: -vcenters must be at least 1")
		os.Exit(2)
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench failed:", err)
		os.Exit(1)
	}
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func run() error {
	sim, err := harness.StartSimulator("--vms", "10000", "--seed", "1", "--latency-ms", "20")
	if err != nil {
		return err
	}
	defer sim.Close()
	p, err := harness.StartPlugin()
	if err != nil {
		return err
	}
	defer p.Close()
	// VM changes need their audit records written: a sink stands in for the alert relay.
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
	}))
	defer sink.Close()
	inst := harness.NewInstance(1, sim, sink.URL, "bench-relay-token", map[string]any{"cacheTtlSeconds": 3600})
	ctx := context.Background()
	now := time.Now()
	inv := map[string]any{"queryType": "inventory", "entity": "vms"}

	t0 := time.Now()
	resp, err := p.Query(ctx, inst, nil, now.Add(-time.Hour), now, inv)
	if err != nil {
		return err
	}
	cold := time.Since(t0)
	r := resp.Responses["Q0"]
	if r.Error != nil {
		return r.Error
	}
	idField, _ := r.Frames[0].FieldByName("id")
	var ids []string
	for i := 0; i < idField.Len() && len(ids) < 2000; i++ {
		ids = append(ids, idField.At(i).(string))
	}
	calls, _ := sim.Calls()
	invCalls := calls.Total

	var cached []time.Duration
	hostsQ := map[string]any{"queryType": "inventory", "entity": "hosts"}
	var cachedHosts []time.Duration
	for i := 0; i < 20; i++ {
		t := time.Now()
		if _, err := p.Query(ctx, inst, nil, now.Add(-time.Hour), now, inv); err != nil {
			return err
		}
		cached = append(cached, time.Since(t))
		t = time.Now()
		if _, err := p.Query(ctx, inst, nil, now.Add(-time.Hour), now, hostsQ); err != nil {
			return err
		}
		cachedHosts = append(cachedHosts, time.Since(t))
	}
	calls, _ = sim.Calls()
	cachedCalls := calls.Total - invCalls

	// The VM page of a running VM with VMware Tools (vROps knows its IP), before the mutations
	// below change the first VM.
	powerField, _ := r.Frames[0].FieldByName("powerState")
	ipField, _ := r.Frames[0].FieldByName("ip")
	var running string
	for i := 0; i < idField.Len() && running == "" && powerField != nil && ipField != nil; i++ {
		ps, _ := powerField.ConcreteAt(i)
		ip, _ := ipField.ConcreteAt(i)
		if fmt.Sprint(ps) == "POWERED_ON" && fmt.Sprint(ip) != "" && idField.At(i).(string) != ids[0] {
			running = idField.At(i).(string)
		}
	}
	if running == "" {
		return fmt.Errorf("no running VM with an IP address in the inventory frame")
	}
	// The first VM page after the build lists its datacenter's VM folders and resource pools; the
	// same page again is what every later VM page there costs.
	first, err := measureVMPage(ctx, p, inst, sim, running)
	if err != nil {
		return err
	}
	page, err := measureVMPage(ctx, p, inst, sim, running)
	if err != nil {
		return err
	}

	muts, err := measureMutations(ctx, p, inst, sim, ids[0], now, inv)
	if err != nil {
		return err
	}

	// Metrics: warm the id map once, then measure.
	to := now.Truncate(time.Hour)
	mq := func() map[string]any {
		return map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine", "selection": map[string]any{"mode": "ids", "ids": ids},
			"statKeys": []string{"cpu|usage_average"}, "rollUp": "AVG", "interval": "1h"}
	}
	if resp, err := p.Query(ctx, inst, nil, to.Add(-24*time.Hour), to, mq()); err != nil || resp.Responses["Q0"].Error != nil {
		return fmt.Errorf("metrics warm-up: %v %v", err, resp.Responses["Q0"].Error)
	}
	mt, metricCalls, statsCalls, err := timedMetrics(ctx, p, inst, sim, to, mq())
	if err != nil {
		return err
	}

	// One bulk upstream round trip for the same 2,000 VMs (1,000 ids, as one chunk), straight to vROps.
	tok, err := token(sim.URL)
	if err != nil {
		return err
	}
	vropsIDs, err := vropsIDsFor(sim.URL, tok, ids[:1000])
	if err != nil {
		return err
	}
	bulk, err := bulkRoundTrips(sim.URL, tok, vropsIDs, to)
	if err != nil {
		return err
	}

	inproc, err := inProcessCached(sim.URL)
	if err != nil {
		return err
	}
	rss := rssMiB(p.Pid())
	perVM := len(ids) // one stats call per VM is what a naive client does
	fmt.Println("privatecloud-vsphere-datasource backend benchmark (simulator: 10,000 VMs, 20 ms latency)")
	fmt.Printf("inventory build (cold, 10,000 VMs):      %s, %d upstream calls (no list over 4,000)\n", ms(cold), invCalls)
	fmt.Printf("inventory query, cached (10,000 rows):   median %s over gRPC, %d upstream calls for 20 queries\n", ms(median(cached)), cachedCalls)
	fmt.Printf("inventory query, cached (hosts):         median %s over gRPC\n", ms(median(cachedHosts)))
	fmt.Printf("inventory query, cached (10,000 rows):   median %s in the handler (no gRPC/Arrow encoding) (target < 5 ms)\n", ms(inproc))
	fmt.Printf("metrics 2,000 VMs x 24 h hourly:          median %s, %d upstream calls (%d bulk stats calls)\n", ms(median(mt)), metricCalls, statsCalls)
	fmt.Printf("one bulk stats round trip (1,000 ids):   median %s\n", ms(median(bulk)))
	fmt.Printf("RATIO metrics query / one bulk round trip: %.2fx (target <= 3x)\n", float64(median(mt))/float64(median(bulk)))
	fmt.Printf("RATIO per-VM calls / our calls:            %d / %d = %.0fx fewer (target >= 50x)\n", perVM, metricCalls, float64(perVM)/float64(max(metricCalls, 1)))
	fmt.Printf("RSS of plugin with 10,000-VM inventory cached: %.1f MiB (target < 150 MiB)\n", rss)
	fmt.Printf("VM page (running VM with Tools, its requests at once): %s, %d vCenter + %d vROps calls (before: 10 + 1; inventory and container lists cached)\n", ms(page.took), page.vc, page.vrops)
	fmt.Printf("first VM page of its datacenter after a build:        %s, %d vCenter (%d of them folder/pool VM lists) + %d vROps calls\n", ms(first.took), first.vc, first.lists, first.vrops)
	for _, m := range muts {
		fmt.Printf("%-40s %s, %d upstream calls (target <= 3); next inventory query %s, %d upstream calls (target 0)\n",
			m.name+" (10,000 VMs):", ms(m.took), m.calls, ms(m.nextTook), m.nextCalls)
	}
	return nil
}

func token(base string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	err := post(base+"/suite-api/api/auth/token/acquire", "", map[string]string{"username": "administrator@vsphere.local", "password": "VMware1!"}, &out)
	return out.Token, err
}

// vropsIDsFor finds the vROps resource ids of the given MoRefs (one vCenter: by VMEntityObjectID).
func vropsIDsFor(base, tok string, morefs []string) ([]string, error) {
	want := setOf(morefs)
	return vmResourceIDs(base, tok, func(moref, _ string) bool { return want[moref] })
}

func setOf(xs []string) map[string]bool {
	set := map[string]bool{}
	for _, x := range xs {
		set[x] = true
	}
	return set
}

// vmResourceIDs pages through vROps' VirtualMachine resources and keeps the ids of those whose
// VMEntityObjectID (the MoRef) and VMEntityVCID (the vCenter's instance uuid) pass keep.
func vmResourceIDs(base, tok string, keep func(moref, vcid string) bool) ([]string, error) {
	var out []string
	for page := 0; ; page++ {
		var res struct {
			PageInfo struct {
				TotalCount int `json:"totalCount"`
			} `json:"pageInfo"`
			ResourceList []struct {
				Identifier  string `json:"identifier"`
				ResourceKey struct {
					ResourceIdentifiers []struct {
						IdentifierType struct {
							Name string `json:"name"`
						} `json:"identifierType"`
						Value string `json:"value"`
					} `json:"resourceIdentifiers"`
				} `json:"resourceKey"`
			} `json:"resourceList"`
		}
		if err := post(fmt.Sprintf("%s/suite-api/api/resources/query?page=%d&pageSize=5000", base, page), tok,
			map[string]any{"adapterKind": []string{"VMWARE"}, "resourceKind": []string{"VirtualMachine"}}, &res); err != nil {
			return nil, err
		}
		for _, r := range res.ResourceList {
			var moref, vc string
			for _, id := range r.ResourceKey.ResourceIdentifiers {
				switch id.IdentifierType.Name {
				case "VMEntityObjectID":
					moref = id.Value
				case "VMEntityVCID":
					vc = id.Value
				}
			}
			if keep(moref, vc) {
				out = append(out, r.Identifier)
			}
		}
		if len(res.ResourceList) == 0 || (page+1)*5000 >= res.PageInfo.TotalCount {
			return out, nil
		}
	}
}

// timedMetrics resets the simulator's call counts, runs the metrics query q over the 24 h before
// to five times, and returns the times and the upstream calls (all, and stats calls) per query.
func timedMetrics(ctx context.Context, p *harness.Plugin, inst *harness.Instance, sim *harness.Simulator, to time.Time, q map[string]any) ([]time.Duration, int, int, error) {
	_ = sim.Control(http.MethodPost, "/__sim/calls/reset", nil, nil)
	var mt []time.Duration
	for i := 0; i < 5; i++ {
		t := time.Now()
		resp, err := p.Query(ctx, inst, nil, to.Add(-24*time.Hour), to, q)
		if err != nil {
			return nil, 0, 0, err
		}
		if e := resp.Responses["Q0"].Error; e != nil {
			return nil, 0, 0, e
		}
		mt = append(mt, time.Since(t))
	}
	calls, _ := sim.Calls()
	return mt, calls.Total / 5, calls.Route("POST", "stats/query") / 5, nil
}

// bulkRoundTrips times five bulk vROps stats calls (24 h hourly CPU of rids) straight to vROps.
func bulkRoundTrips(base, tok string, rids []string, to time.Time) ([]time.Duration, error) {
	var bulk []time.Duration
	for i := 0; i < 5; i++ {
		t := time.Now()
		if err := post(base+"/suite-api/api/resources/stats/query", tok, map[string]any{"resourceId": rids, "statKey": []string{"cpu|usage_average"},
			"begin": to.Add(-24 * time.Hour).UnixMilli(), "end": to.UnixMilli(), "rollUpType": "AVG", "intervalType": "HOURS", "intervalQuantifier": 1}, nil); err != nil {
			return nil, err
		}
		bulk = append(bulk, time.Since(t))
	}
	return bulk, nil
}

func post(u, tok string, body, out any) error {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "vRealizeOpsToken "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("POST %s: HTTP %d", u, resp.StatusCode)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	var sink json.RawMessage
	return json.NewDecoder(resp.Body).Decode(&sink)
}

func rssMiB(pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:")), "%f", &kb)
			return kb / 1024
		}
	}
	return -1
}

// inProcessCached times the inventory handler itself on a warm cache, without the SDK's Arrow
// encoding and gRPC transfer, which grow with the row count whatever the cache does.
func inProcessCached(simURL string) (time.Duration, error) {
	hc := &http.Client{Timeout: time.Minute}
	vc := vcenter.NewWithHTTPClient(simURL, "administrator@vsphere.local", "VMware1!", hc)
	deps := &query.Deps{Inventory: inventory.NewCache(vc, nil, time.Hour), VCenter: vc}
	mux := query.NewMux(deps)
	req := &backend.QueryDataRequest{Queries: []backend.DataQuery{{RefID: "A", QueryType: "inventory", JSON: []byte(`{"queryType":"inventory","entity":"vms"}`)}}}
	if resp, err := mux.QueryData(context.Background(), req); err != nil || resp.Responses["A"].Error != nil {
		return 0, fmt.Errorf("in-process inventory: %v %v", err, resp.Responses["A"].Error)
	}
	var d []time.Duration
	for i := 0; i < 50; i++ {
		t := time.Now()
		if _, err := mux.QueryData(context.Background(), req); err != nil {
			return 0, err
		}
		d = append(d, time.Since(t))
	}
	return median(d), nil
}

// mutation is one VM change measured through the resource API over gRPC, and the inventory query after it.
type mutation struct {
	name             string
	took, nextTook   time.Duration
	calls, nextCalls int
}

// measureMutations powers one VM off and then changes its memory, counting the simulator's calls
// for each change and for the inventory query that follows it (docs: pkg/README.md "Measured").
func measureMutations(ctx context.Context, p *harness.Plugin, inst *harness.Instance, sim *harness.Simulator, id string, now time.Time, inv map[string]any) ([]mutation, error) {
	admin := &backend.User{Login: "bench", Email: "bench@example.com", Role: "Admin"}
	status, raw, err := p.Call(ctx, inst, admin, http.MethodGet, "vms/"+id+"/hardware/limits", nil)
	if err != nil || status != http.StatusOK {
		return nil, fmt.Errorf("limits of %s: %d %s %v", id, status, raw, err)
	}
	var lim struct {
		MemoryMiB int64 `json:"memoryMiB"`
	}
	_ = json.Unmarshal(raw, &lim)
	steps := []struct {
		name, method, path string
		body               any
	}{
		{"power action (stop)", http.MethodPost, "vms/" + id + "/power", map[string]string{"action": "stop"}},
		{"memory change (powered off)", http.MethodPatch, "vms/" + id + "/hardware", map[string]int64{"memoryMiB": lim.MemoryMiB + 1024}},
	}
	var out []mutation
	for _, st := range steps {
		before, err := sim.Calls()
		if err != nil {
			return nil, err
		}
		t := time.Now()
		status, raw, err := p.Call(ctx, inst, admin, st.method, st.path, st.body)
		took := time.Since(t)
		if err != nil || status >= 300 {
			return nil, fmt.Errorf("%s: %d %s %v", st.name, status, raw, err)
		}
		mid, err := sim.Calls()
		if err != nil {
			return nil, err
		}
		t = time.Now()
		resp, err := p.Query(ctx, inst, nil, now.Add(-time.Hour), now, inv)
		nextTook := time.Since(t)
		if err != nil {
			return nil, err
		}
		if e := resp.Responses["Q0"].Error; e != nil {
			return nil, e
		}
		after, err := sim.Calls()
		if err != nil {
			return nil, err
		}
		out = append(out, mutation{name: st.name, took: took, calls: mid.Total - before.Total, nextTook: nextTook, nextCalls: after.Total - mid.Total})
	}
	return out, nil
}
