// Package integration drives the built plugin binary over the plugin protocol (go-plugin + gRPC,
// as Grafana does) against the real simulator process. It fails, never skips, when either is
// missing: run `npm run build` first.
package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/internal/harness"
)

const estateVMs = 10000

var (
	once     sync.Once
	sim      *harness.Simulator
	plug     *harness.Plugin
	setupErr error
	nextID   int64 = 100
	idMu     sync.Mutex
	audit    = &auditSink{}
	relaySrv *httptest.Server
)

// auditSink stands in for the alert relay's internal audit endpoint (a separate part, built in
// parallel); it checks the bearer token like the relay does.
type auditSink struct {
	mu     sync.Mutex
	events []map[string]any
}

func (a *auditSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer it-relay-token" {
		w.WriteHeader(401)
		return
	}
	if r.Method == http.MethodPost && r.URL.Path == "/internal/audit" {
		var ev map[string]any
		_ = json.NewDecoder(r.Body).Decode(&ev)
		a.mu.Lock()
		a.events = append(a.events, ev)
		a.mu.Unlock()
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`{"id":"x"}`))
		return
	}
	w.WriteHeader(404)
}

func (a *auditSink) find(action, vm, outcome string) map[string]any {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, e := range a.events {
		v, _ := e["vm"].(map[string]any)
		if e["action"] == action && v["id"] == vm && e["outcome"] == outcome {
			return e
		}
	}
	return nil
}

func setup(t *testing.T) {
	t.Helper()
	once.Do(func() {
		relaySrv = httptest.NewServer(audit)
		sim, setupErr = harness.StartSimulator("--vms", fmt.Sprint(estateVMs), "--seed", "1")
		if setupErr != nil {
			return
		}
		plug, setupErr = harness.StartPlugin()
	})
	if setupErr != nil {
		t.Fatalf("integration setup failed: %v", setupErr)
	}
	if err := sim.Control(http.MethodPost, "/__sim/reset", nil, nil); err != nil {
		t.Fatalf("simulator reset: %v", err)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	plug.Close()
	sim.Close()
	resSim.Close()
	mvPlug.Close()
	mvSim.Close()
	if relaySrv != nil {
		relaySrv.Close()
	}
	os.Exit(code)
}

// instance gives every test a fresh data source instance (fresh cache, fresh session).
func instance() *harness.Instance {
	idMu.Lock()
	defer idMu.Unlock()
	nextID++
	return harness.NewInstance(nextID, sim, relaySrv.URL, "it-relay-token", nil)
}

var (
	adminUser  = &backend.User{Login: "ada", Email: "ada@example.com", Name: "Ada", Role: "Admin"}
	viewerUser = &backend.User{Login: "vera", Email: "vera@example.com", Name: "Vera", Role: "Viewer"}
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return c
}

func one(t *testing.T, resp *backend.QueryDataResponse) backend.DataResponse {
	t.Helper()
	r, ok := resp.Responses["Q0"]
	if !ok {
		t.Fatal("no response for Q0")
	}
	return r
}

// queryOne runs one query on inst through p and answers its response; a failed call (not a
// failed query) fails the test.
func queryOne(t *testing.T, p *harness.Plugin, inst *harness.Instance, user *backend.User, from, to time.Time, q map[string]any) backend.DataResponse {
	t.Helper()
	resp, err := p.Query(ctx(t), inst, user, from, to, q)
	if err != nil {
		t.Fatal(err)
	}
	return one(t, resp)
}

// queryOK is queryOne for a query that must succeed.
func queryOK(t *testing.T, p *harness.Plugin, inst *harness.Instance, user *backend.User, from, to time.Time, q map[string]any) backend.DataResponse {
	t.Helper()
	r := queryOne(t, p, inst, user, from, to, q)
	if r.Error != nil {
		t.Fatalf("%v query: %v", q["queryType"], r.Error)
	}
	return r
}

func vmIDs(t *testing.T, inst *harness.Instance, n int) []string {
	t.Helper()
	now := time.Now()
	r := queryOK(t, plug, inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "inventory", "entity": "vms"})
	ids, _ := r.Frames[0].FieldByName("id")
	var out []string
	for i := 0; i < ids.Len() && len(out) < n; i++ {
		out = append(out, ids.At(i).(string))
	}
	return out
}

func TestHealthReportsBothUpstreams(t *testing.T) {
	setup(t)
	res, err := plug.Health(ctx(t), instance())
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != backend.HealthStatusOk || !strings.Contains(res.Message, "vCenter OK") || !strings.Contains(res.Message, "vROps OK") {
		t.Fatalf("health: %v %s", res.Status, res.Message)
	}
	bad := harness.NewInstance(9999, sim, "", "", nil)
	bad.Settings.DecryptedSecureJSONData["vropsPassword"] = "wrong"
	res, err = plug.Health(ctx(t), bad)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "vCenter OK") || !strings.Contains(res.Message, "vROps refused the login") {
		t.Fatalf("health with bad vROps password: %v %s", res.Status, res.Message)
	}
}

func TestInventoryOf10000VMs(t *testing.T) {
	setup(t)
	inst := instance()
	now := time.Now()
	r := queryOne(t, plug, inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "inventory", "entity": "vms"})
	if r.Error != nil {
		t.Fatalf("inventory failed: %v", r.Error)
	}
	if rows := r.Frames[0].Rows(); rows != estateVMs {
		t.Fatalf("inventory has %d VMs, want %d", rows, estateVMs)
	}
	calls, err := sim.Calls()
	if err != nil {
		t.Fatal(err)
	}
	before := calls.Total
	// A second identical query is served from the cache: no upstream call.
	if _, err := plug.Query(ctx(t), inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "inventory", "entity": "vms"}); err != nil {
		t.Fatal(err)
	}
	calls, _ = sim.Calls()
	if calls.Total != before {
		t.Fatalf("cached inventory query made %d upstream calls", calls.Total-before)
	}
}

func TestMetricsFor2000VMsUseBulkCalls(t *testing.T) {
	setup(t)
	inst := instance()
	ids := vmIDs(t, inst, 2000)
	if err := sim.Control(http.MethodPost, "/__sim/calls/reset", nil, nil); err != nil {
		t.Fatal(err)
	}
	to := time.Now().Truncate(time.Hour)
	r := queryOne(t, plug, inst, nil, to.Add(-24*time.Hour), to, map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine",
		"selection": map[string]any{"mode": "ids", "ids": ids}, "statKeys": []string{"cpu|usage_average"}, "rollUp": "AVG", "interval": "1h"})
	if r.Error != nil {
		t.Fatalf("metrics failed: %v", r.Error)
	}
	if len(r.Frames) != 2000 {
		t.Fatalf("got %d frames, want 2000 (one per VM)", len(r.Frames))
	}
	v := r.Frames[0].Fields[1]
	if v.Labels["stat"] != "cpu|usage_average" || v.Labels["vm"] == "" || v.Labels["vm_id"] == "" || v.Labels["host"] != "" || v.Config == nil || v.Config.Unit != "percent" {
		t.Fatalf("value field labels/config wrong: %v %+v", v.Labels, v.Config)
	}
	if r.Frames[0].Rows() != 24 {
		t.Fatalf("%d hourly points in 24 h, want 24", r.Frames[0].Rows())
	}
	calls, _ := sim.Calls()
	if n := calls.Route("POST", "stats/query"); n != 2 {
		t.Fatalf("stats calls = %d, want 2 bulk calls of 1000", n)
	}
	if n := calls.Route("resources/:", "/stats") + calls.Route("resources/{", "/stats"); n != 0 {
		t.Fatalf("per-resource stats calls: %d", n)
	}
}

func TestSessionExpiryInTheMiddle(t *testing.T) {
	setup(t)
	inst := instance()
	ids := vmIDs(t, inst, 5)
	for _, p := range []string{"/__sim/expire-sessions", "/__sim/expire-tokens"} {
		if err := sim.Control(http.MethodPost, p, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := sim.Control(http.MethodPost, "/__sim/calls/reset", nil, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	resp, err := plug.Query(ctx(t), inst, nil, now.Add(-2*time.Hour), now,
		map[string]any{"queryType": "vmDetail", "vms": ids[:1]},
		map[string]any{"queryType": "metrics", "selection": map[string]any{"mode": "ids", "ids": ids}, "statKeys": []string{"cpu|usage_average"}})
	if err != nil {
		t.Fatal(err)
	}
	for ref, r := range resp.Responses {
		if r.Error != nil {
			t.Fatalf("%s failed after expiry: %v", ref, r.Error)
		}
	}
	calls, _ := sim.Calls()
	if n := calls.Route("POST", "/api/session"); n != 1 {
		t.Fatalf("vCenter logins after expiry = %d, want exactly 1", n)
	}
	if n := calls.Route("POST", "token/acquire"); n != 1 {
		t.Fatalf("vROps token acquisitions after expiry = %d, want exactly 1", n)
	}
}

func TestVROpsOutage(t *testing.T) {
	setup(t)
	inst := instance()
	ids := vmIDs(t, inst, 3)
	if err := sim.Control(http.MethodPut, "/__sim/faults", map[string]any{"outage": map[string]any{"api": "vrops", "seconds": 60}}, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Control(http.MethodDelete, "/__sim/faults", nil, nil) })
	now := time.Now()
	resp, err := plug.Query(ctx(t), inst, nil, now.Add(-time.Hour), now,
		map[string]any{"queryType": "metrics", "selection": map[string]any{"mode": "ids", "ids": ids}, "statKeys": []string{"cpu|usage_average"}},
		map[string]any{"queryType": "inventory", "entity": "hosts"})
	if err != nil {
		t.Fatal(err)
	}
	m := resp.Responses["Q0"]
	if m.Error == nil || m.ErrorSource != backend.ErrorSourceDownstream || !strings.Contains(m.Error.Error(), "vROps") {
		t.Fatalf("metrics during vROps outage: err=%v source=%v", m.Error, m.ErrorSource)
	}
	if inv := resp.Responses["Q1"]; inv.Error != nil || inv.Frames[0].Rows() == 0 {
		t.Fatalf("inventory must keep working during a vROps outage: %v", inv.Error)
	}
	res, err := plug.Health(ctx(t), inst)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "vCenter OK") || !strings.Contains(res.Message, "vROps:") {
		t.Fatalf("health during outage: %s", res.Message)
	}
}

func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("body %s: %v", raw, err)
	}
	return m
}

func TestViewerCannotDelete(t *testing.T) {
	setup(t)
	inst := instance()
	id := vmIDs(t, inst, 1)[0]
	status, raw, err := plug.Call(ctx(t), inst, adminUser, http.MethodGet, "vms/"+id, nil)
	if err != nil || status != 200 {
		t.Fatalf("detail: %d %s %v", status, raw, err)
	}
	name := decode(t, raw)["name"].(string)
	status, raw, err = plug.Call(ctx(t), inst, viewerUser, http.MethodDelete, "vms/"+id, map[string]any{"confirmName": name})
	if err != nil || status != 403 || decode(t, raw)["error"] != "forbidden" {
		t.Fatalf("viewer delete: %d %s %v", status, raw, err)
	}
	if status, raw, _ := plug.Call(ctx(t), inst, adminUser, http.MethodGet, "vms/"+id, nil); status != 200 {
		t.Fatalf("VM gone after refused delete: %d %s", status, raw)
	}
	calls, _ := sim.Calls()
	if n := calls.Route("DELETE", "/api/vcenter/vm/"); n != 0 {
		t.Fatalf("vCenter received %d deletes", n)
	}
	ev := audit.find("delete", id, "refused")
	if ev == nil {
		t.Fatal("no refused delete audit event reached the relay")
	}
	if u := ev["user"].(map[string]any); u["login"] != "vera" || u["role"] != "Viewer" {
		t.Fatalf("audit user %v", u)
	}
}

func TestVMLifecycle(t *testing.T) {
	setup(t)
	inst := instance()
	c := ctx(t)
	status, raw, err := plug.Call(c, inst, adminUser, http.MethodGet, "options/placement", nil)
	if err != nil || status != 200 {
		t.Fatalf("placement: %d %s %v", status, raw, err)
	}
	type opt struct{ ID, Datacenter string }
	var pl struct {
		Folders    []opt `json:"folders"`
		Clusters   []opt `json:"clusters"`
		Datastores []opt `json:"datastores"`
		Networks   []opt `json:"networks"`
	}
	if err := json.Unmarshal(raw, &pl); err != nil || len(pl.Clusters) == 0 {
		t.Fatalf("placement options: %s", raw)
	}
	dc := pl.Clusters[0].Datacenter
	pick := func(list []opt) string {
		for _, o := range list {
			if o.Datacenter == dc {
				return o.ID
			}
		}
		return ""
	}
	placement := map[string]any{"folder": pick(pl.Folders), "cluster": pl.Clusters[0].ID, "datastore": pick(pl.Datastores)}
	if placement["folder"] == "" || placement["datastore"] == "" {
		t.Fatalf("no folder or datastore in datacenter %s: %s", dc, raw)
	}
	body := map[string]any{"name": "it-lifecycle-01", "guestOS": "UBUNTU_64", "cpuCount": 2, "memoryMiB": 2048, "diskGiB": 10, "placement": placement}
	if n := pick(pl.Networks); n != "" {
		body["network"] = n
	}
	status, raw, err = plug.Call(c, inst, adminUser, http.MethodPost, "vms", body)
	if err != nil || status != 201 {
		t.Fatalf("create: %d %s %v", status, raw, err)
	}
	id := decode(t, raw)["id"].(string)

	status, raw, _ = plug.Call(c, inst, adminUser, http.MethodPatch, "vms/"+id+"/hardware", map[string]any{"cpuCount": 4, "memoryMiB": 4096})
	if status != 200 {
		t.Fatalf("edit: %d %s", status, raw)
	}
	if d := decode(t, raw); d["cpuCount"].(float64) != 4 || d["memoryMiB"].(float64) != 4096 {
		t.Fatalf("edit not applied: %s", raw)
	}
	status, raw, _ = plug.Call(c, inst, adminUser, http.MethodPost, "vms/"+id+"/power", map[string]any{"action": "start"})
	if status != 200 || decode(t, raw)["powerState"] != "POWERED_ON" {
		t.Fatalf("start: %d %s", status, raw)
	}
	// A powered-on VM cannot be deleted: refused before vCenter is asked.
	status, raw, _ = plug.Call(c, inst, adminUser, http.MethodDelete, "vms/"+id, map[string]any{"confirmName": "it-lifecycle-01"})
	if status != 409 {
		t.Fatalf("delete while on: %d %s", status, raw)
	}
	now := time.Now()
	resp, err := plug.Query(c, inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "latest",
		"selection": map[string]any{"mode": "ids", "ids": []string{"it-lifecycle-01"}}, "statKeys": []string{"cpu|usage_average"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := one(t, resp); r.Error != nil {
		t.Fatalf("latest for the new VM: %v", r.Error)
	}
	status, raw, _ = plug.Call(c, inst, adminUser, http.MethodPost, "vms/"+id+"/power", map[string]any{"action": "stop"})
	if status != 200 || decode(t, raw)["powerState"] != "POWERED_OFF" {
		t.Fatalf("stop: %d %s", status, raw)
	}
	status, raw, _ = plug.Call(c, inst, adminUser, http.MethodDelete, "vms/"+id, map[string]any{"confirmName": "it-lifecycle-01"})
	if status != 204 {
		t.Fatalf("delete: %d %s", status, raw)
	}
	if status, _, _ := plug.Call(c, inst, adminUser, http.MethodGet, "vms/"+id, nil); status != 404 {
		t.Fatalf("deleted VM still readable: %d", status)
	}
	for _, a := range []string{"create", "updateHardware", "power", "delete"} {
		if audit.find(a, id, "success") == nil {
			t.Errorf("no successful %s audit event for %s", a, id)
		}
	}
}

func TestHostChangeAnnotationsFromDRSAndHA(t *testing.T) {
	setup(t)
	idMu.Lock()
	nextID++
	inst := harness.NewInstance(nextID, sim, relaySrv.URL, "it-relay-token", map[string]any{"cacheTtlSeconds": 1})
	idMu.Unlock()
	now := time.Now()
	if _, err := plug.Query(ctx(t), inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "inventory", "entity": "hosts"}); err != nil {
		t.Fatal(err)
	}
	var drs struct {
		Events []map[string]any `json:"events"`
	}
	if err := sim.Control(http.MethodPost, "/__sim/scenarios/drs", map[string]any{}, &drs); err != nil {
		t.Fatal(err)
	}
	var ha struct {
		Host   string           `json:"host"`
		Events []map[string]any `json:"events"`
	}
	if err := sim.Control(http.MethodPost, "/__sim/scenarios/ha-failure", map[string]any{}, &ha); err != nil {
		t.Fatal(err)
	}
	if len(drs.Events) == 0 || len(ha.Events) == 0 {
		t.Fatalf("scenarios moved nothing: drs %d, ha %d", len(drs.Events), len(ha.Events))
	}
	time.Sleep(1100 * time.Millisecond) // let the 1 s inventory TTL pass
	end := time.Now().Add(time.Minute)
	r := queryOK(t, plug, inst, nil, now.Add(-time.Hour), end, map[string]any{"queryType": "annotations", "annotationKind": "hostChanges"})
	tags, _ := r.Frames[0].FieldByName("tags")
	haSeen := 0
	for i := 0; i < tags.Len(); i++ {
		if tags.At(i).(string) == "host-change,ha" {
			haSeen++
		}
	}
	// Moves are seen by comparing snapshots, so a DRS move away from the host that later fails
	// also counts as an HA move: at least every HA restart must be there.
	if haSeen < len(ha.Events) {
		t.Fatalf("%d HA restarts annotated, simulator reports %d (rows %d)", haSeen, len(ha.Events), tags.Len())
	}
	if tags.Len() < len(ha.Events)+1 {
		t.Fatalf("DRS moves missing: %d rows for %d HA + %d DRS events", tags.Len(), len(ha.Events), len(drs.Events))
	}
	vm := ha.Events[0]["vm"].(string)
	status, raw, err := plug.Call(ctx(t), inst, viewerUser, http.MethodGet, "vms/"+vm+"/history", nil)
	if err != nil || status != 200 || !strings.Contains(string(raw), `"kind":"ha"`) || !strings.Contains(string(raw), ha.Host) {
		t.Fatalf("history of %s: %d %s %v", vm, status, raw, err)
	}
}
