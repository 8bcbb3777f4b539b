package resources

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/internal/replay"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// fakeRelay records audit events the way the relay's internal API receives them.
type fakeRelay struct {
	mu     sync.Mutex
	events []relay.AuditEvent
	auth   []string
}

func (f *fakeRelay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	if r.Method == http.MethodPost && r.URL.Path == "/internal/audit" {
		var ev relay.AuditEvent
		_ = json.NewDecoder(r.Body).Decode(&ev)
		f.events = append(f.events, ev)
		w.WriteHeader(201)
		_, _ = io.WriteString(w, `{"id":"1"}`)
		return
	}
	w.WriteHeader(404)
}

func (f *fakeRelay) last(t *testing.T) relay.AuditEvent {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.events) == 0 {
		t.Fatal("no audit event was sent to the relay")
	}
	return f.events[len(f.events)-1]
}

type env struct {
	up    *replay.Server
	relay *fakeRelay
	h     backend.CallResourceHandler
}

func newEnv(t *testing.T) *env {
	t.Helper()
	vc, err := replay.Load("../query/testdata/vcenter.json")
	if err != nil {
		t.Fatal(err)
	}
	up := replay.New(vc)
	t.Cleanup(up.Close)
	fr := &fakeRelay{}
	rs := httptest.NewServer(fr)
	t.Cleanup(rs.Close)
	vcc := vcenter.NewWithHTTPClient(up.URL, "administrator@vsphere.local", "VMware1!", &http.Client{Timeout: 5 * time.Second})
	rc := relay.NewWithHTTPClient(rs.URL, "relay-secret", rs.Client())
	qd := &query.Deps{Inventory: inventory.NewCache(vcc, nil, time.Minute), VCenter: vcc, Relay: rc}
	settings := &models.Settings{Roles: models.DefaultActionRoles}
	api := New(Deps{Query: qd, VCenter: vcc, Relay: rc, Settings: settings})
	return &env{up: up, relay: fr, h: httpadapter.New(api)}
}

func (e *env) call(t *testing.T, user *backend.User, method, path, body string) (int, map[string]any) {
	t.Helper()
	return e.callCtx(t, backend.PluginContext{User: user}, method, path, body)
}

// callCtx is call with a whole plugin context (org, data source).
func (e *env) callCtx(t *testing.T, pc backend.PluginContext, method, path, body string) (int, map[string]any) {
	t.Helper()
	var got *backend.CallResourceResponse
	u := "http://grafana/api/datasources/uid/x/resources/" + path
	p, q, _ := strings.Cut(path, "?")
	if q != "" {
		u = "http://grafana/?" + q
	}
	err := e.h.CallResource(context.Background(), &backend.CallResourceRequest{
		PluginContext: pc, Path: p, Method: method, URL: u, Body: []byte(body),
	}, backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error { got = r; return nil }))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if len(got.Body) > 0 && got.Body[0] == '{' {
		if err := json.Unmarshal(got.Body, &out); err != nil {
			t.Fatalf("body %s: %v", got.Body, err)
		}
	}
	return got.Status, out
}

var (
	viewer = &backend.User{Login: "vera", Email: "vera@example.com", Role: "Viewer"}
	editor = &backend.User{Login: "ed", Email: "ed@example.com", Role: "Editor"}
	admin  = &backend.User{Login: "ada", Email: "ada@example.com", Role: "Admin"}
)

func TestViewerCannotDelete(t *testing.T) {
	e := newEnv(t)
	if status, _ := e.call(t, viewer, http.MethodGet, "inventory/vms", ""); status != 200 { // the cached inventory names the VM in the audit
		t.Fatalf("inventory: %d", status)
	}
	status, body := e.call(t, viewer, http.MethodDelete, "vms/vm-102", `{"confirmName":"test-01"}`)
	if status != 403 || body["error"] != "forbidden" {
		t.Fatalf("status %d body %v", status, body)
	}
	if n := e.up.CallCount("DELETE /api/vcenter/vm/vm-102"); n != 0 {
		t.Fatalf("vCenter received %d deletes", n)
	}
	ev := e.relay.last(t)
	if ev.Action != "delete" || ev.Outcome != "refused" || ev.User.Login != "vera" || ev.User.Role != "Viewer" || ev.VM.ID != "vm-102" || ev.VM.Name != "test-01" {
		t.Fatalf("audit event %+v", ev)
	}
	if e.relay.auth[0] != "Bearer relay-secret" {
		t.Fatalf("relay auth header %q", e.relay.auth[0])
	}
}

// TestRefusalReadsNothingUpstream: the role is checked before anything is read, so a refused
// click costs no upstream call (it used to build the whole inventory for the audit's VM name).
func TestRefusalReadsNothingUpstream(t *testing.T) {
	for _, tc := range []struct {
		user             *backend.User
		method, path, bd string
	}{
		{viewer, http.MethodDelete, "vms/vm-102", `{"confirmName":"test-01"}`},
		{editor, http.MethodDelete, "vms/vm-102", `{"confirmName":"test-01"}`},
		{viewer, http.MethodPost, "vms/vm-100/power", `{"action":"stop"}`},
		{viewer, http.MethodPatch, "vms/vm-100/hardware", `{"cpuCount":4}`},
		{editor, http.MethodPost, "vms", `{"name":"x"}`},
	} {
		e := newEnv(t)
		if status, _ := e.call(t, tc.user, tc.method, tc.path, tc.bd); status != 403 {
			t.Fatalf("%s %s as %s: %d", tc.method, tc.path, tc.user.Role, status)
		}
		total := 0
		for _, n := range e.up.Calls {
			total += n
		}
		if total != 0 {
			t.Fatalf("%s %s as %s: %d upstream calls for a refused request: %v", tc.method, tc.path, tc.user.Role, total, e.up.Calls)
		}
		if ev := e.relay.last(t); ev.Outcome != "refused" || ev.User.Login != tc.user.Login {
			t.Fatalf("audit %+v", ev)
		}
	}
}

func TestNoUserRefusesEveryMutation(t *testing.T) {
	tests := []struct{ method, path, body string }{
		{http.MethodPost, "vms", `{"name":"x"}`},
		{http.MethodPatch, "vms/vm-100/hardware", `{"cpuCount":4}`},
		{http.MethodPost, "vms/vm-100/power", `{"action":"stop"}`},
		{http.MethodDelete, "vms/vm-102", `{"confirmName":"test-01"}`},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			e := newEnv(t)
			status, body := e.call(t, nil, tc.method, tc.path, tc.body)
			if status != 401 || body["error"] != "unauthenticated" {
				t.Fatalf("status %d body %v", status, body)
			}
			if ev := e.relay.last(t); ev.Outcome != "refused" {
				t.Fatalf("audit %+v", ev)
			}
		})
	}
}

func TestReadsWorkWithoutUser(t *testing.T) {
	e := newEnv(t)
	status, body := e.call(t, nil, http.MethodGet, "inventory/vms?pageSize=2&page=2", "")
	if status != 200 {
		t.Fatalf("status %d %v", status, body)
	}
	if body["total"].(float64) != 3 || len(body["items"].([]any)) != 1 {
		t.Fatalf("paging wrong: %v", body)
	}
}

func TestInventorySearchAndFilter(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		query string
		total float64
	}{
		{"search=WEB", 1}, {"host=esx-02.lab", 2}, {"powerState=POWERED_OFF", 1}, {"cluster=domain-c1&search=01", 3},
	}
	for _, tc := range tests {
		status, body := e.call(t, viewer, http.MethodGet, "inventory/vms?"+tc.query, "")
		if status != 200 || body["total"].(float64) != tc.total {
			t.Errorf("%s: status %d body %v", tc.query, status, body)
		}
	}
	if status, _ := e.call(t, viewer, http.MethodGet, "inventory/toasters", ""); status != 400 {
		t.Errorf("unknown entity status %d", status)
	}
	if status, _ := e.call(t, viewer, http.MethodGet, "inventory/vms?pageSize=0", ""); status != 400 {
		t.Errorf("bad page size status %d", status)
	}
}

func TestCreateValidationSendsNothing(t *testing.T) {
	base := func(mod string) string {
		return `{"name":"new-01","guestOS":"UBUNTU_64","cpuCount":2,"memoryMiB":4096,"diskGiB":20,"network":"network-30",` +
			`"placement":{"folder":"group-v4","cluster":"domain-c1","datastore":"datastore-20"}` + mod + `}`
	}
	tests := []struct {
		name, body, want string
		status           int
	}{
		{"cpu 0", strings.Replace(base(""), `"cpuCount":2`, `"cpuCount":0`, 1), "CPU count 0", 400},
		{"cpu 1000", strings.Replace(base(""), `"cpuCount":2`, `"cpuCount":1000`, 1), "CPU count 1000", 400},
		{"memory not multiple of 4", strings.Replace(base(""), `"memoryMiB":4096`, `"memoryMiB":4097`, 1), "multiple of 4", 400},
		{"empty name", strings.Replace(base(""), `"name":"new-01"`, `"name":"  "`, 1), "name is empty", 400},
		{"slash in name", strings.Replace(base(""), `"name":"new-01"`, `"name":"a/b"`, 1), "must not contain", 400},
		{"unknown folder", strings.Replace(base(""), `group-v4`, `group-v999`, 1), "folder", 400},
		{"unknown datastore", strings.Replace(base(""), `datastore-20`, `datastore-9`, 1), "datastore", 400},
		{"unknown network", strings.Replace(base(""), `network-30`, `network-9`, 1), "network", 400},
		{"no compute", strings.Replace(base(""), `"cluster":"domain-c1",`, ``, 1), "cluster, a host or a resource pool", 400},
		{"duplicate name", strings.Replace(base(""), `"name":"new-01"`, `"name":"web-01"`, 1), "already exists", 409},
		{"unknown field", base(`,"evil":true`), "unknown field", 400},
		{"not json", `{`, "not valid JSON", 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			status, body := e.call(t, admin, http.MethodPost, "vms", tc.body)
			if status != tc.status || !strings.Contains(body["message"].(string), tc.want) {
				t.Fatalf("status %d body %v, want %d %q", status, body, tc.status, tc.want)
			}
			if n := e.up.CallCount("POST /api/vcenter/vm"); n != 0 {
				t.Fatalf("vCenter received %d creates", n)
			}
			if ev := e.relay.last(t); ev.Action != "create" || ev.Outcome != "refused" || ev.User.Login != "ada" {
				t.Fatalf("audit %+v", ev)
			}
		})
	}
}

func TestEditorCannotCreateByDefault(t *testing.T) {
	e := newEnv(t)
	status, _ := e.call(t, editor, http.MethodPost, "vms", `{}`)
	if status != 403 {
		t.Fatalf("status %d", status)
	}
}

func TestHotAddRulesCheckedBeforeVCenter(t *testing.T) {
	e := newEnv(t)
	// vm-100 is powered on with memory hot-add off and CPU hot-remove off.
	status, body := e.call(t, editor, http.MethodPatch, "vms/vm-100/hardware", `{"memoryMiB":8192}`)
	if status != 409 || !strings.Contains(body["message"].(string), "memory hot-add is off") {
		t.Fatalf("status %d body %v", status, body)
	}
	status, body = e.call(t, editor, http.MethodPatch, "vms/vm-100/hardware", `{"cpuCount":1}`)
	if status != 409 || !strings.Contains(body["message"].(string), "power it off first") {
		t.Fatalf("status %d body %v", status, body)
	}
	if n := e.up.CallCount("PATCH /api/vcenter/vm/vm-100/hardware/memory") + e.up.CallCount("PATCH /api/vcenter/vm/vm-100/hardware/cpu"); n != 0 {
		t.Fatalf("vCenter received %d patches", n)
	}
}

func TestDeleteNeedsExactName(t *testing.T) {
	e := newEnv(t)
	status, body := e.call(t, admin, http.MethodDelete, "vms/vm-102", `{"confirmName":"TEST-01"}`)
	if status != 400 || !strings.Contains(body["message"].(string), `"test-01"`) {
		t.Fatalf("status %d body %v", status, body)
	}
	if n := e.up.CallCount("DELETE /api/vcenter/vm/vm-102"); n != 0 {
		t.Fatalf("vCenter received %d deletes", n)
	}
	status, body = e.call(t, admin, http.MethodDelete, "vms/vm-100", `{"confirmName":"web-01"}`)
	if status != 409 || !strings.Contains(body["message"].(string), "powered on") {
		t.Fatalf("status %d body %v", status, body)
	}
}

func TestLimits(t *testing.T) {
	e := newEnv(t)
	status, body := e.call(t, viewer, http.MethodGet, "vms/vm-100/hardware/limits", "")
	if status != 200 || body["canChangeMemory"] != false || body["canChangeCpu"] != true || body["minCpu"].(float64) != 2 || body["maxCpu"].(float64) != 128 {
		t.Fatalf("status %d body %v", status, body)
	}
}

func TestMePermissions(t *testing.T) {
	e := newEnv(t)
	_, body := e.call(t, editor, http.MethodGet, "me", "")
	perms := body["permissions"].(map[string]any)
	if perms["power"] != true || perms["edit"] != true || perms["create"] != false || perms["delete"] != false {
		t.Fatalf("permissions %v", perms)
	}
}

func TestUnknownRoute(t *testing.T) {
	e := newEnv(t)
	status, body := e.call(t, admin, http.MethodGet, "nothing/here", "")
	if status != 404 || body["error"] != "not_found" {
		t.Fatalf("status %d body %v", status, body)
	}
}

func FuzzResourceBodies(f *testing.F) {
	for _, s := range []string{
		`{"name":"a","guestOS":"UBUNTU_64","cpuCount":2,"memoryMiB":4096,"placement":{"folder":"group-v4","cluster":"domain-c1","datastore":"datastore-20"}}`,
		`{"cpuCount":-1}`, `{"memoryMiB":1e309}`, `{"action":"start"}`, `{"confirmName":null}`, `[]`, `"x"`, ``,
		`{"disks":{"2000":{"datastore":"datastore-20"}}}`, `{"disks":{"":{"datastore":""}},"host":"host-1"}`, `{"disks":[]}`,
	} {
		f.Add(s)
	}
	// Thousands of audit log lines per second would drown the fuzz output; audit is asserted
	// in the other tests.
	prev := log.DefaultLogger
	log.DefaultLogger = log.NewNullLogger()
	defer func() { log.DefaultLogger = prev }()
	vc, err := replay.Load("../query/testdata/vcenter.json")
	if err != nil {
		f.Fatal(err)
	}
	up := replay.New(vc)
	defer up.Close()
	// Keep connections alive: fuzzing makes tens of thousands of calls.
	tr := &http.Transport{MaxIdleConns: 100, MaxIdleConnsPerHost: 100}
	vcc := vcenter.NewWithHTTPClient(up.URL, "u", "p", &http.Client{Timeout: 5 * time.Second, Transport: tr})
	qd := &query.Deps{Inventory: inventory.NewCache(vcc, nil, time.Hour), VCenter: vcc}
	rs := httptest.NewServer(&fakeRelay{}) // VM changes need the audit relay
	defer rs.Close()
	rc := relay.NewWithHTTPClient(rs.URL, "t", rs.Client())
	h := httpadapter.New(New(Deps{Query: qd, VCenter: vcc, Relay: rc, Settings: &models.Settings{Roles: models.ActionRoles{Create: "Admin", Edit: "Admin", Power: "Admin", Delete: "Admin"}}}))
	f.Fuzz(func(t *testing.T, body string) {
		for _, c := range []struct{ m, p string }{{"POST", "vms"}, {"PATCH", "vms/vm-102/hardware"}, {"POST", "vms/vm-102/power"}, {"DELETE", "vms/vm-102"}, {"POST", "vms/vm-102/migrate"}} {
			before := mutations(up)
			var status int
			err := h.CallResource(context.Background(), &backend.CallResourceRequest{PluginContext: backend.PluginContext{User: admin}, Path: c.p, Method: c.m, URL: "/", Body: []byte(body)},
				backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error { status = r.Status; return nil }))
			// 502 is allowed: a valid body reaches the recording, which has no mutations.
			if err != nil || status == 0 || (status >= 500 && status != 502) {
				t.Fatalf("%s %s with %q: status %d err %v", c.m, c.p, body, status, err)
			}
			if status == 400 && mutations(up) != before {
				t.Fatalf("%s %s with %q was refused but still reached vCenter", c.m, c.p, body)
			}
		}
	})
}

func mutations(up *replay.Server) int {
	return up.CallCount("POST /api/vcenter/vm") + up.CallCount("DELETE /api/vcenter/vm/vm-102") +
		up.CallCount("POST /api/vcenter/vm/vm-102/power") + up.CallCount("POST /api/vcenter/vm/vm-102/guest/power") +
		up.CallCount("PATCH /api/vcenter/vm/vm-102/hardware/cpu") + up.CallCount("PATCH /api/vcenter/vm/vm-102/hardware/memory") +
		up.CallCount("POST /api/vcenter/vm/vm-102") // relocate
}
