package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/internal/harness"
	"github.com/privatecloud/vsphere/pkg/internal/resourcetest"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/resources"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// The resource API's host-list tests run the real clients in process against the simulator
// process (built by `npm run build`), so the upstream calls can be counted with its /__sim/calls
// counters. They fail, never skip, when it is missing.
var (
	resSimOnce sync.Once
	resSim     *harness.Simulator
	resSimErr  error
)

const simHosts = 12

// resourceSimulator is a small estate of its own (12 hosts) for the host-list tests; closed by TestMain.
func resourceSimulator(t *testing.T) *harness.Simulator {
	t.Helper()
	resSimOnce.Do(func() {
		resSim, resSimErr = harness.StartSimulator("--vms", "80", "--hosts", fmt.Sprint(simHosts), "--clusters", "2", "--seed", "5")
	})
	if resSimErr != nil {
		t.Fatalf("simulator: %v", resSimErr)
	}
	if err := resSim.Control(http.MethodPost, "/__sim/reset", nil, nil); err != nil {
		t.Fatalf("simulator reset: %v", err)
	}
	t.Cleanup(func() { _ = resSim.Control(http.MethodDelete, "/__sim/faults", nil, nil) })
	return resSim
}

// latestRecorder passes requests on and keeps the resource ids of every bulk latest-values call.
type latestRecorder struct {
	mu    sync.Mutex
	calls [][]string
}

func (l *latestRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/resources/stats/latest/query") && r.Body != nil {
		raw, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(raw))
		var body struct {
			ResourceID []string `json:"resourceId"`
		}
		_ = json.Unmarshal(raw, &body)
		l.mu.Lock()
		l.calls = append(l.calls, body.ResourceID)
		l.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

type simEnv struct {
	h      backend.CallResourceHandler
	sim    *harness.Simulator
	deps   *query.Deps
	latest *latestRecorder
}

// newSimEnv is a fresh data source instance (fresh caches, fresh token) on the simulator.
func newSimEnv(t *testing.T) *simEnv {
	sim := resourceSimulator(t)
	rec := &latestRecorder{}
	vcc := vcenter.NewWithHTTPClient(sim.URL, "administrator@vsphere.local", "VMware1!", &http.Client{Timeout: 10 * time.Second})
	vrc := vrops.NewWithHTTPClient(sim.URL, "administrator@vsphere.local", "VMware1!", "", &http.Client{Timeout: 10 * time.Second, Transport: rec})
	qd := &query.Deps{Inventory: inventory.NewCache(vcc, vrc, time.Minute), VCenter: vcc, Stats: vrc}
	api := resources.New(resources.Deps{Query: qd, VCenter: vcc, VROps: vrc, Settings: &models.Settings{Roles: models.DefaultActionRoles}})
	return &simEnv{h: httpadapter.New(api), sim: sim, deps: qd, latest: rec}
}

func (e *simEnv) calls(t *testing.T) harness.Calls {
	t.Helper()
	c, err := e.sim.Calls()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *simEnv) resetCalls(t *testing.T) {
	t.Helper()
	if err := e.sim.Control(http.MethodPost, "/__sim/calls/reset", nil, nil); err != nil {
		t.Fatal(err)
	}
}

// latestByHost runs the `latest` query type for the given hosts and the host usage keys.
func (e *simEnv) latestByHost(t *testing.T, names []string) map[string]map[string]float64 {
	t.Helper()
	model, _ := json.Marshal(map[string]any{"refId": "A", "queryType": "latest", "resourceKind": "HostSystem",
		"selection": map[string]any{"mode": "ids", "ids": names}, "statKeys": query.HostUsageKeys})
	resp, err := query.NewMux(e.deps).QueryData(context.Background(), &backend.QueryDataRequest{
		Queries: []backend.DataQuery{{RefID: "A", QueryType: "latest", JSON: model}}})
	if err != nil || resp.Responses["A"].Error != nil {
		t.Fatalf("latest query: %v %v", err, resp.Responses["A"].Error)
	}
	out := map[string]map[string]float64{}
	for _, fr := range resp.Responses["A"].Frames { // one table per stat key (docs/contracts.md §2)
		col := func(name string) *data.Field {
			f, _ := fr.FieldByName(name)
			return f
		}
		names, keys, values := col("name"), col("stat"), col("value")
		for i := 0; i < fr.Rows(); i++ {
			v, ok := values.ConcreteAt(i)
			if !ok {
				continue
			}
			name, key := names.At(i).(string), keys.At(i).(string)
			if out[name] == nil {
				out[name] = map[string]float64{}
			}
			out[name][key] = v.(float64)
		}
	}
	return out
}

func sameFigures(h map[string]any, l map[string]float64) bool {
	return h["cpuCapacityMHz"] == l[query.HostCPUCapacityKey] && h["cpuUsagePct"] == l[query.HostCPUUsageKey] &&
		h["memoryCapacityBytes"] == l[query.HostMemoryCapacityKey]*1024 && h["memoryUsagePct"] == l[query.HostMemoryUsageKey]
}

func TestHostListCarriesUsageFromOneBulkVROpsCall(t *testing.T) {
	e := newSimEnv(t)
	// What the `latest` query type says before and after: the host list must give the same figures
	// (one of the two, should a 5-minute collection fall between the calls).
	var allNames []string
	snap, err := e.deps.Inventory.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range snap.Hosts {
		allNames = append(allNames, h.Name)
	}
	before := e.latestByHost(t, allNames)
	e.latest.calls = nil
	e.resetCalls(t)

	status, body := e.call(t, viewerUser, http.MethodGet, "inventory/hosts?page=2&pageSize=5&sort=name", "")
	if status != 200 {
		t.Fatalf("status %d body %v", status, body)
	}
	if body["total"] != float64(simHosts) || body["metricsError"] != nil {
		t.Fatalf("total %v metricsError %v", body["total"], body["metricsError"])
	}
	items := resourcetest.Items(body)
	if len(items) != 5 {
		t.Fatalf("%d items on page 2, want 5", len(items))
	}
	for _, h := range items {
		cpuMHz, _ := h["cpuCapacityMHz"].(float64)
		cpuPct, okCPU := h["cpuUsagePct"].(float64)
		memB, _ := h["memoryCapacityBytes"].(float64)
		memPct, okMem := h["memoryUsagePct"].(float64)
		// Simulator hosts: 32–64 cores of 2.6–3.0 GHz, 512–1,024 GiB, all connected and running VMs
		// plus hypervisor overhead, so usage is above zero.
		if cpuMHz < 32*2600 || cpuMHz > 64*3000 || !okCPU || cpuPct <= 0 || cpuPct > 100 ||
			memB < 512<<30 || memB > 1024<<30 || math.Mod(memB, 1<<30) != 0 || !okMem || memPct <= 0 || memPct > 100 {
			t.Fatalf("implausible figures for %v: %v", h["name"], h)
		}
	}
	calls := e.calls(t)
	if n := calls.Route("POST", "stats/latest/query"); n != 1 {
		t.Fatalf("%d bulk latest calls for one page, want 1 (routes %v)", n, calls.Routes)
	}
	if n := calls.Route("stats/query") + calls.Route("resources/:", "stats") + calls.Route("resources/{", "stats"); n != 0 {
		t.Fatalf("%d other stats calls, want none (routes %v)", n, calls.Routes)
	}
	// The call asked for this page's hosts only.
	ids, err := e.deps.Inventory.IDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, h := range items {
		want = append(want, ids.ToVrops[h["id"].(string)])
	}
	if len(e.latest.calls) != 1 || !slices.Equal(e.latest.calls[0], want) {
		t.Fatalf("latest calls asked for %v, want the page's hosts %v", e.latest.calls, want)
	}
	after := e.latestByHost(t, allNames)
	for _, h := range items {
		name := h["name"].(string)
		if !sameFigures(h, before[name]) && !sameFigures(h, after[name]) {
			t.Fatalf("%s: host list %v, latest query %v / %v", name, h, before[name], after[name])
		}
	}

	// Another page: again one bulk call, and the id map is not rebuilt.
	e.resetCalls(t)
	if status, body := e.call(t, viewerUser, http.MethodGet, "inventory/hosts?page=1&pageSize=5&sort=name", ""); status != 200 || len(resourcetest.Items(body)) != 5 {
		t.Fatalf("page 1: %d %v", status, body)
	}
	calls = e.calls(t)
	if n, rq := calls.Route("POST", "stats/latest/query"), calls.Route("POST", "resources/query"); n != 1 || rq != 0 {
		t.Fatalf("page 1: %d latest calls (want 1), %d resource queries (want 0)", n, rq)
	}
}

func TestHostListDuringVROpsOutage(t *testing.T) {
	outage := func(t *testing.T, e *simEnv) {
		t.Helper()
		if err := e.sim.Control(http.MethodPut, "/__sim/faults", map[string]any{"outage": map[string]any{"api": "vrops", "seconds": 60}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	check := func(t *testing.T, e *simEnv, wantInMessage string) {
		t.Helper()
		status, body := e.call(t, viewerUser, http.MethodGet, "inventory/hosts?pageSize=50", "")
		if status != 200 {
			t.Fatalf("the host list must answer during a vROps outage: %d %v", status, body)
		}
		items := resourcetest.Items(body)
		if len(items) != simHosts {
			t.Fatalf("%d hosts, want %d", len(items), simHosts)
		}
		for _, h := range items {
			if h["name"] == "" || h["connectionState"] == "" {
				t.Fatalf("host without vCenter fields: %v", h)
			}
			for _, f := range usageFields {
				if _, ok := h[f]; ok {
					t.Fatalf("%s present during the outage: %v", f, h)
				}
			}
		}
		msg, _ := body["metricsError"].(string)
		if !strings.HasPrefix(msg, "No CPU and memory figures: ") || !strings.Contains(msg, wantInMessage) {
			t.Fatalf("metricsError %q, want it to say %q", msg, wantInMessage)
		}
	}
	t.Run("before the id map is built", func(t *testing.T) {
		e := newSimEnv(t)
		outage(t, e)
		check(t, e, "vROps token request failed (HTTP 503)")
	})
	t.Run("with the id map cached, the latest call fails", func(t *testing.T) {
		e := newSimEnv(t)
		if _, body := e.call(t, viewerUser, http.MethodGet, "inventory/hosts?pageSize=50", ""); body["metricsError"] != nil {
			t.Fatalf("before the outage: %v", body["metricsError"])
		}
		outage(t, e)
		check(t, e, "vROps latest stats query failed (HTTP 503)")
	})
}

// call sends one resource request through the SDK's httpadapter, as Grafana's CallResource does.
func (e *simEnv) call(t *testing.T, user *backend.User, method, path, body string) (int, map[string]any) {
	t.Helper()
	return resourcetest.CallJSON(t, e.h, backend.PluginContext{User: user}, method, path, body)
}

var usageFields = []string{"cpuCapacityMHz", "cpuUsagePct", "memoryCapacityBytes", "memoryUsagePct"}
