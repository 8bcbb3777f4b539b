package integration

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/internal/harness"
)

// Clone and migrate over gRPC against the small simulator estate (80 VMs, 12 hosts, 2 clusters):
// each operation for each role, each validation error (nothing sent to vCenter) and the audit
// record (intent before, outcome after). docs/contracts.md §3 "Clone and migrate".

var vmopsEditor = &backend.User{Login: "eddie", Email: "eddie@example.com", Name: "Eddie", Role: "Editor"}

type vmopsEnv struct {
	t    *testing.T
	sim  *harness.Simulator
	rel  *outageRelay
	inst *harness.Instance
}

func newVMOpsEnv(t *testing.T, extra map[string]any) *vmopsEnv {
	t.Helper()
	setup(t) // the plugin process
	s := resourceSimulator(t)
	rel := &outageRelay{}
	rs := httptest.NewServer(rel)
	t.Cleanup(rs.Close)
	idMu.Lock()
	nextID++
	id := nextID
	idMu.Unlock()
	return &vmopsEnv{t: t, sim: s, rel: rel, inst: harness.NewInstance(id, s, rs.URL, "it-relay-token", extra)}
}

// fresh is a new data source instance with its own relay on the same simulator, without a reset.
func (e *vmopsEnv) fresh() *vmopsEnv {
	rel := &outageRelay{}
	rs := httptest.NewServer(rel)
	e.t.Cleanup(rs.Close)
	idMu.Lock()
	nextID++
	id := nextID
	idMu.Unlock()
	return &vmopsEnv{t: e.t, sim: e.sim, rel: rel, inst: harness.NewInstance(id, e.sim, rs.URL, "it-relay-token", nil)}
}

func (e *vmopsEnv) call(user *backend.User, method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	status, raw, err := plug.Call(ctx(e.t), e.inst, user, method, path, body)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	out := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			e.t.Fatalf("%s %s answered %d %s", method, path, status, raw)
		}
	}
	return status, out
}

// items lists an inventory entity (one page of up to 1,000).
func (e *vmopsEnv) items(entity string) []map[string]any {
	e.t.Helper()
	status, body := e.call(adminUser, http.MethodGet, "inventory/"+entity+"?pageSize=1000", nil)
	if status != 200 {
		e.t.Fatalf("inventory/%s: %d %v", entity, status, body)
	}
	var out []map[string]any
	for _, it := range body["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func (e *vmopsEnv) vm(id string) map[string]any {
	e.t.Helper()
	for _, v := range e.items("vms") {
		if v["id"] == id {
			return v
		}
	}
	return nil
}

// vcenterPosts counts POSTs to /api/vcenter/vm… (create, clone, relocate, power) since the last reset.
func (e *vmopsEnv) vcenterPosts() int {
	e.t.Helper()
	c, err := e.sim.Calls()
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Route("POST", "/api/vcenter/vm")
}

func (e *vmopsEnv) resetCalls() {
	e.t.Helper()
	if err := e.sim.Control(http.MethodPost, "/__sim/calls/reset", nil, nil); err != nil {
		e.t.Fatal(err)
	}
}

// events are the relay's stored events of an action.
func (e *vmopsEnv) events(action string) []map[string]any {
	e.rel.mu.Lock()
	defer e.rel.mu.Unlock()
	var out []map[string]any
	for _, ev := range e.rel.events {
		if ev["action"] == action {
			out = append(out, ev)
		}
	}
	return out
}

func param(ev map[string]any, k string) any { p, _ := ev["params"].(map[string]any); return p[k] }

// estate is the placement this test estate offers: a VM on a connected host of a cluster that
// has another connected host, that other host, a host of the other cluster and a datastore.
type estate struct {
	vm, vmName, host, cluster, otherHost, foreignHost, datastore, folder string
}

func (e *vmopsEnv) estate() estate {
	e.t.Helper()
	hosts := e.items("hosts")
	byCluster := map[string][]string{}
	for _, h := range hosts {
		if h["connectionState"] == "CONNECTED" {
			c, _ := h["cluster"].(string)
			byCluster[c] = append(byCluster[c], h["id"].(string))
		}
	}
	var es estate
	for _, v := range e.items("vms") {
		c, _ := v["cluster"].(string)
		if len(byCluster[c]) < 2 {
			continue
		}
		for _, h := range byCluster[c] {
			if h == v["host"] {
				es.vm, es.vmName, es.host, es.cluster = v["id"].(string), v["name"].(string), h, c
			}
		}
		if es.vm != "" {
			break
		}
	}
	if es.vm == "" {
		e.t.Fatal("no VM on a cluster with two connected hosts")
	}
	for _, h := range byCluster[es.cluster] {
		if h != es.host {
			es.otherHost = h
			break
		}
	}
	for c, hs := range byCluster {
		if c != es.cluster && c != "" {
			es.foreignHost = hs[0]
		}
	}
	_, pl := e.call(adminUser, http.MethodGet, "options/placement", nil)
	for _, d := range pl["datastores"].([]any) {
		es.datastore = d.(map[string]any)["id"].(string)
		break
	}
	for _, f := range pl["folders"].([]any) {
		es.folder = f.(map[string]any)["id"].(string)
		break
	}
	if es.otherHost == "" || es.foreignHost == "" || es.datastore == "" || es.folder == "" {
		e.t.Fatalf("estate incomplete: %+v", es)
	}
	return es
}

func TestMigrateRolesAuditAndInventory(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	e.resetCalls()
	if status, body := e.call(viewerUser, http.MethodPost, "vms/"+es.vm+"/migrate", map[string]any{"host": es.otherHost}); status != 403 {
		t.Fatalf("Viewer migrate: %d %v", status, body)
	}
	if n := e.vcenterPosts(); n != 0 {
		t.Fatalf("a refused migrate sent %d POSTs to vCenter", n)
	}
	// Editor may migrate by default; the answer is the fresh VM on its new host.
	status, body := e.call(vmopsEditor, http.MethodPost, "vms/"+es.vm+"/migrate", map[string]any{"host": es.otherHost})
	if status != 200 || body["id"] != es.vm || body["host"] != es.otherHost {
		t.Fatalf("Editor migrate: %d %v", status, body)
	}
	if c, _ := e.sim.Calls(); c.Route("POST", "/api/vcenter/vm/") != 1 {
		t.Fatalf("want one relocate call, routes %v", c.Routes)
	}
	// The cached inventory shows the VM on its new host.
	if v := e.vm(es.vm); v == nil || v["host"] != es.otherHost {
		t.Fatalf("inventory after the move: %v", v)
	}
	// The move is in the VM's host-change history as a vMotion.
	status, raw, err := plug.Call(ctx(t), e.inst, viewerUser, http.MethodGet, "vms/"+es.vm+"/history", nil)
	if err != nil || status != 200 || !strings.Contains(string(raw), `"fromHost":"`+es.host+`"`) || !strings.Contains(string(raw), `"toHost":"`+es.otherHost+`"`) ||
		!strings.Contains(string(raw), `"kind":"vmotion"`) {
		t.Fatalf("history after the move: %d %s %v", status, raw, err)
	}
	// Audit: the Viewer's refusal (outcome only), then the Editor's intent and success.
	evs := e.events("migrate")
	if len(evs) != 3 || evs[0]["outcome"] != "refused" || param(evs[0], "auditPhase") != "outcome" ||
		param(evs[1], "auditPhase") != "intent" || evs[2]["outcome"] != "success" || !sameOp(evs[1], evs[2]) {
		t.Fatalf("migrate audit: %v", evs)
	}
	if u := evs[2]["user"].(map[string]any); u["login"] != "eddie" || param(evs[2], "host") != es.otherHost || param(evs[2], "fromHost") != es.host || param(evs[2], "toHost") != es.otherHost {
		t.Fatalf("migrate outcome: %v", evs[2])
	}
	if v := evs[2]["vm"].(map[string]any); v["id"] != es.vm || v["name"] != es.vmName {
		t.Fatalf("migrate outcome VM: %v", v)
	}
	// Admin may migrate too: back by cluster (vCenter picks the host; the cache asks where it went).
	status, body = e.call(adminUser, http.MethodPost, "vms/"+es.vm+"/migrate", map[string]any{"cluster": es.cluster, "host": es.host})
	if status != 200 || body["host"] != es.host {
		t.Fatalf("Admin migrate: %d %v", status, body)
	}
	if v := e.vm(es.vm); v["host"] != es.host {
		t.Fatalf("inventory after the move back: %v", v)
	}
}

func TestMigrateValidationSendsNothing(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	// A disconnected host: the simulator's HA scenario takes one down (its VMs restart elsewhere).
	var ha struct {
		Host string `json:"host"`
	}
	if err := e.sim.Control(http.MethodPost, "/__sim/scenarios/ha-failure", map[string]any{"host": es.otherHost}, &ha); err != nil || ha.Host != es.otherHost {
		t.Fatalf("ha-failure: %v %+v", err, ha)
	}
	// A fresh instance (same simulator, no reset) reads the estate after the failure.
	e = e.fresh()
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		msg    string
	}{
		{"empty body", es.vm, map[string]any{}, 400, "choose a target host, cluster or datastore"},
		{"unknown field", es.vm, map[string]any{"hostt": es.host}, 400, "not valid JSON for this call"},
		{"unknown host", es.vm, map[string]any{"host": "host-99999"}, 400, `host "host-99999" does not exist`},
		{"disconnected host", es.vm, map[string]any{"host": es.otherHost}, 400, "is disconnected: choose a connected host"},
		{"host outside the cluster", es.vm, map[string]any{"host": es.foreignHost, "cluster": es.cluster}, 400, "is not in cluster"},
		{"unknown cluster", es.vm, map[string]any{"cluster": "domain-c99999"}, 400, `cluster "domain-c99999" does not exist`},
		{"unknown datastore", es.vm, map[string]any{"datastore": "datastore-99999"}, 400, `datastore "datastore-99999" does not exist`},
		{"same host", es.vm, map[string]any{"host": es.host}, 400, "already runs on host"},
		{"bad VM id", "vm-1;x", map[string]any{"host": es.host}, 400, "is not a VM id"},
		{"unknown VM", "vm-999999", map[string]any{"host": es.host}, 404, "vm-999999 does not exist"},
	}
	e.resetCalls()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.expectAnswer(t, adminUser, http.MethodPost, "vms/"+tc.path+"/migrate", tc.body, tc.status, tc.msg)
		})
	}
	if n := e.vcenterPosts(); n != 0 {
		t.Fatalf("refused migrations sent %d POSTs to vCenter", n)
	}
	evs := e.events("migrate")
	if len(evs) != len(tests) {
		t.Fatalf("want %d refusal events, got %d: %v", len(tests), len(evs), evs)
	}
	for _, ev := range evs {
		if ev["outcome"] != "refused" || param(ev, "auditPhase") != "outcome" || ev["error"] == "" {
			t.Fatalf("refusal event: %v", ev)
		}
	}
}

func TestCloneRolesAuditAndInventory(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	req := map[string]any{"name": "clone-it-01", "placement": map[string]any{"cluster": es.cluster, "datastore": es.datastore, "folder": es.folder}, "powerOn": true}
	e.resetCalls()
	for _, u := range []*backend.User{viewerUser, vmopsEditor} {
		if status, body := e.call(u, http.MethodPost, "vms/"+es.vm+"/clone", req); status != 403 || !strings.Contains(body["message"].(string), "cloning a VM needs the Admin role") {
			t.Fatalf("%s clone: %d %v", u.Role, status, body)
		}
	}
	if n := e.vcenterPosts(); n != 0 {
		t.Fatalf("refused clones sent %d POSTs to vCenter", n)
	}
	status, body := e.call(adminUser, http.MethodPost, "vms/"+es.vm+"/clone", req)
	id, _ := body["id"].(string)
	if status != 201 || id == "" || id == es.vm || body["name"] != "clone-it-01" || body["powerState"] != "POWERED_ON" || body["cluster"] != es.cluster || body["host"] == "" {
		t.Fatalf("Admin clone: %d %v", status, body)
	}
	if v := e.vm(id); v == nil || v["name"] != "clone-it-01" || v["host"] != body["host"] {
		t.Fatalf("inventory after the clone: %v", v)
	}
	// vCenter really has it (read through the plugin: detail calls GET /api/vcenter/vm/{vm}).
	if status, d := e.call(viewerUser, http.MethodGet, "vms/"+id, nil); status != 200 || d["name"] != "clone-it-01" {
		t.Fatalf("detail of the clone: %d %v", status, d)
	}
	evs := e.events("clone")
	if len(evs) != 4 || param(evs[2], "auditPhase") != "intent" || evs[3]["outcome"] != "success" || !sameOp(evs[2], evs[3]) {
		t.Fatalf("clone audit: %v", evs)
	}
	if v := evs[3]["vm"].(map[string]any); v["id"] != id || v["name"] != "clone-it-01" || param(evs[3], "source") != es.vm || param(evs[3], "sourceName") != es.vmName {
		t.Fatalf("clone outcome: %v", evs[3])
	}
	// The clone role is configurable like the other actions.
	e2 := newVMOpsEnv(t, map[string]any{"roles": map[string]any{"clone": "Editor"}})
	status, body = e2.call(vmopsEditor, http.MethodPost, "vms/"+es.vm+"/clone", map[string]any{"name": "clone-it-02"})
	if status != 201 || body["name"] != "clone-it-02" || body["powerState"] != "POWERED_OFF" {
		t.Fatalf("Editor clone with clone=Editor: %d %v", status, body)
	}
}

func TestCloneValidationSendsNothing(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	pl := func(kv ...string) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name   string
		source string
		body   map[string]any
		status int
		msg    string
	}{
		{"empty name", es.vm, map[string]any{"name": ""}, 400, "the VM name is empty"},
		{"slash in name", es.vm, map[string]any{"name": "a/b"}, 400, "must not contain"},
		{"name too long", es.vm, map[string]any{"name": fmt.Sprintf("%081d", 0)}, 400, "at most 80"},
		{"name taken", es.vm, map[string]any{"name": es.vmName}, 409, "already exists"},
		{"unknown folder", es.vm, map[string]any{"name": "c1", "placement": pl("folder", "group-v99999")}, 400, "is not a VM folder"},
		{"unknown datastore", es.vm, map[string]any{"name": "c1", "placement": pl("datastore", "datastore-99999")}, 400, "does not exist"},
		{"unknown host", es.vm, map[string]any{"name": "c1", "placement": pl("host", "host-99999")}, 400, "does not exist"},
		{"host outside the cluster", es.vm, map[string]any{"name": "c1", "placement": pl("host", es.foreignHost, "cluster", es.cluster)}, 400, "is not in cluster"},
		{"unknown field", es.vm, map[string]any{"name": "c1", "power_on": true}, 400, "not valid JSON"},
		{"bad source id", "vm-1;x", map[string]any{"name": "c1"}, 400, "is not a VM id"},
		{"unknown source", "vm-999999", map[string]any{"name": "c1"}, 404, "does not exist"},
	}
	e.resetCalls()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.expectAnswer(t, adminUser, http.MethodPost, "vms/"+tc.source+"/clone", tc.body, tc.status, tc.msg)
		})
	}
	if n := e.vcenterPosts(); n != 0 {
		t.Fatalf("refused clones sent %d POSTs to vCenter", n)
	}
	for _, ev := range e.events("clone") {
		if ev["outcome"] != "refused" || param(ev, "auditPhase") != "outcome" {
			t.Fatalf("refusal event: %v", ev)
		}
	}
	if n := len(e.events("clone")); n != len(tests) {
		t.Fatalf("want %d refusal events, got %d", len(tests), n)
	}
}

// TestCloneAndMigrateNeedTheAuditRelay: with the relay down neither reaches vCenter.
// TestMePermissionsNameCloneAndMigrate: the app shows only the buttons that work.
func TestMePermissionsNameCloneAndMigrate(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	for _, tc := range []struct {
		user           *backend.User
		clone, migrate bool
	}{{viewerUser, false, false}, {vmopsEditor, false, true}, {adminUser, true, true}} {
		status, body := e.call(tc.user, http.MethodGet, "me", nil)
		p, _ := body["permissions"].(map[string]any)
		if status != 200 || p["clone"] != tc.clone || p["migrate"] != tc.migrate {
			t.Fatalf("%s: %d %v", tc.user.Role, status, body)
		}
	}
}

func TestCloneAndMigrateNeedTheAuditRelay(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	e.rel.setDown(true)
	e.resetCalls()
	if status, body := e.call(adminUser, http.MethodPost, "vms/"+es.vm+"/clone", map[string]any{"name": "clone-down"}); status != 503 || body["message"] != "audit log unavailable: VM not changed" {
		t.Fatalf("clone with the relay down: %d %v", status, body)
	}
	if status, body := e.call(adminUser, http.MethodPost, "vms/"+es.vm+"/migrate", map[string]any{"host": es.otherHost}); status != 503 {
		t.Fatalf("migrate with the relay down: %d %v", status, body)
	}
	if n := e.vcenterPosts(); n != 0 {
		t.Fatalf("vCenter received %d POSTs with the relay down", n)
	}
	if v := e.vm(es.vm); v["host"] != es.host {
		t.Fatalf("VM moved with the relay down: %v", v)
	}
}

// sameOp says whether two audit events carry the same, non-empty operation id.
func sameOp(a, b map[string]any) bool {
	op, _ := param(a, "auditOperation").(string)
	return op != "" && op == param(b, "auditOperation")
}

// TestRequestsWithoutUserNeverCloneMoveOrDeploy: Grafana's own requests (alerting) only read.
func TestRequestsWithoutUserNeverCloneMoveOrDeploy(t *testing.T) {
	e := newVMOpsEnv(t, nil)
	es := e.estate()
	e.resetCalls()
	for _, path := range []string{"vms/" + es.vm + "/clone", "vms/" + es.vm + "/migrate", "templates/00000000-0000-4000-8000-000000000000/deploy"} {
		if status, body := e.call(nil, http.MethodPost, path, map[string]any{"name": "x", "host": es.otherHost}); status != 401 {
			t.Fatalf("%s without a user: %d %v", path, status, body)
		}
	}
	if n := e.vcenterPosts(); n != 0 {
		t.Fatalf("requests without a user sent %d POSTs to vCenter", n)
	}
}

// expectAnswer sends one resource API call as user and fails unless the answer has the status and
// its message contains msg ("" matches any); it answers the body for further checks.
func (e *vmopsEnv) expectAnswer(t *testing.T, user *backend.User, method, path string, body any, status int, msg string) map[string]any {
	t.Helper()
	got, answer := e.call(user, method, path, body)
	text, _ := answer["message"].(string)
	if got != status || !strings.Contains(text, msg) {
		t.Fatalf("%s %s as %s: %d %v, want %d with %q", method, path, user.Login, got, answer, status, msg)
	}
	return answer
}

// withField is a copy of body with field k set to v (one field changed per refusal case).
func withField(body map[string]any, k string, v any) map[string]any {
	m := maps.Clone(body)
	m[k] = v
	return m
}
