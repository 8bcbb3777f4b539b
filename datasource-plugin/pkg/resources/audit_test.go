package resources

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// relaySink is the relay's audit API with switchable failures: down (503 before storing) and
// lossy (stores, then answers 500 as if the answer were lost).
type relaySink struct {
	mu     sync.Mutex
	events []relay.AuditEvent
	down   bool
	lossy  bool
}

func (s *relaySink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/internal/audit":
		var ev relay.AuditEvent
		_ = json.NewDecoder(r.Body).Decode(&ev)
		s.events = append(s.events, ev)
		if s.lossy {
			s.lossy = false
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(201)
	case r.Method == http.MethodGet && r.URL.Path == "/internal/audit":
		vm, ds := r.URL.Query().Get("vm"), r.URL.Query().Get("datasourceUid")
		out := relay.AuditPage{Items: []relay.AuditEvent{}}
		for _, ev := range s.events {
			if (vm == "" || ev.VM.ID == vm) && (ds == "" || ev.DatasourceUID == ds) {
				out.Items = append(out.Items, ev)
			}
		}
		out.Total = len(out.Items)
		_ = json.NewEncoder(w).Encode(out)
	default:
		w.WriteHeader(404)
	}
}

func (s *relaySink) set(down, lossy bool) {
	s.mu.Lock()
	s.down, s.lossy = down, lossy
	s.mu.Unlock()
}

func (s *relaySink) all() []relay.AuditEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]relay.AuditEvent(nil), s.events...)
}

type auditEnv struct {
	h     backend.CallResourceHandler
	vc    *fakeVC
	sink  *relaySink
	rc    *relay.Client
	spool *relay.Spool
}

func newAuditEnv(t *testing.T, settings models.Settings, withRelay bool, spoolDir string) *auditEnv {
	t.Helper()
	f := &fakeVC{power: "POWERED_OFF", mem: 4096}
	vcs := httptest.NewServer(f)
	t.Cleanup(vcs.Close)
	sink := &relaySink{}
	rs := httptest.NewServer(sink)
	t.Cleanup(rs.Close)
	vcc := vcenter.NewWithHTTPClient(vcs.URL, "u", "p", &http.Client{Timeout: 5 * time.Second})
	var rc *relay.Client
	if withRelay {
		rc = relay.NewWithHTTPClient(rs.URL, "t", rs.Client())
	}
	var sp *relay.Spool
	if spoolDir != "" {
		var err error
		if sp, err = relay.OpenSpool(spoolDir); err != nil {
			t.Fatal(err)
		}
	}
	settings.Roles = models.DefaultActionRoles
	if settings.AuditOutage == "" {
		settings.AuditOutage = models.AuditOutageRefuse
	}
	qd := &query.Deps{Inventory: inventory.NewCache(vcc, nil, time.Hour), VCenter: vcc, Relay: rc}
	api := New(Deps{Query: qd, VCenter: vcc, Relay: rc, Settings: &settings, Spool: sp})
	return &auditEnv{h: httpadapter.New(api), vc: f, sink: sink, rc: rc, spool: sp}
}

func (e *auditEnv) call(t *testing.T, pc backend.PluginContext, method, path, body string) (int, map[string]any) {
	t.Helper()
	return (&env{h: e.h}).callCtx(t, pc, method, path, body)
}

var deleteApp7 = `{"confirmName":"app-7"}`

func adminCtx() backend.PluginContext {
	return backend.PluginContext{User: admin, OrgID: 3, DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{UID: "vc-east"}}
}

// TestRelayDownRefusesTheChange: without a place for the audit record nothing is changed.
func TestRelayDownRefusesTheChange(t *testing.T) {
	e := newAuditEnv(t, models.Settings{VcenterURL: "https://vc-east.example.com"}, true, "")
	e.sink.set(true, false)
	status, body := e.call(t, adminCtx(), http.MethodDelete, "vms/vm-7", deleteApp7)
	if status != http.StatusServiceUnavailable || body["error"] != "audit_unavailable" || !strings.Contains(body["message"].(string), "audit log unavailable: VM not changed") {
		t.Fatalf("status %d body %v", status, body)
	}
	if e.vc.deleted {
		t.Fatal("vCenter deleted the VM although its audit record could not be written")
	}
	for _, c := range e.vc.take() {
		if strings.HasPrefix(c, "DELETE") || strings.HasPrefix(c, "POST /api/vcenter/vm/") {
			t.Fatalf("a change reached vCenter: %s", c)
		}
	}
	// The same for a power action.
	if status, _ := e.call(t, adminCtx(), http.MethodPost, "vms/vm-7/power", `{"action":"start"}`); status != http.StatusServiceUnavailable || e.vc.power != "POWERED_OFF" {
		t.Fatalf("power with the relay down: %d, VM %s", status, e.vc.power)
	}
}

func TestNoRelayConfiguredRefusesTheChange(t *testing.T) {
	e := newAuditEnv(t, models.Settings{}, false, "")
	if status, body := e.call(t, adminCtx(), http.MethodDelete, "vms/vm-7", deleteApp7); status != 503 || e.vc.deleted {
		t.Fatalf("status %d body %v deleted %v", status, body, e.vc.deleted)
	}
}

// TestIntentThenOutcome: the relay gets the intent before vCenter is called and the outcome
// after, with the data source, vCenter and org.
func TestIntentThenOutcome(t *testing.T) {
	e := newAuditEnv(t, models.Settings{VcenterURL: "https://vc-east.example.com/"}, true, "")
	if status, body := e.call(t, adminCtx(), http.MethodDelete, "vms/vm-7", deleteApp7); status != 204 {
		t.Fatalf("status %d body %v", status, body)
	}
	evs := e.sink.all()
	if len(evs) != 2 {
		t.Fatalf("%d events, want intent and outcome: %+v", len(evs), evs)
	}
	in, out := evs[0], evs[1]
	if in.Params[relay.ParamPhase] != relay.PhaseIntent || in.Outcome != "unknown" || out.Params[relay.ParamPhase] != relay.PhaseOutcome || out.Outcome != "success" {
		t.Fatalf("phases: %+v / %+v", in, out)
	}
	if in.Params[relay.ParamOperation] == "" || in.Params[relay.ParamOperation] != out.Params[relay.ParamOperation] {
		t.Fatal("intent and outcome must share the operation id")
	}
	for _, ev := range evs {
		if ev.DatasourceUID != "vc-east" || ev.OrgID != 3 || ev.VCenter != "vc-east.example.com" || ev.VM.ID != "vm-7" {
			t.Fatalf("scope of %+v", ev)
		}
	}
}

// TestSpoolModeDeliversLaterExactlyOnce: with auditOutage=spool the change goes ahead during a
// relay outage, and the events reach the relay once it is back, each exactly once, also when
// the relay stored one but its answer was lost.
func TestSpoolModeDeliversLaterExactlyOnce(t *testing.T) {
	dir := t.TempDir()
	e := newAuditEnv(t, models.Settings{AuditOutage: models.AuditOutageSpool, VcenterURL: "https://vc"}, true, dir)
	e.sink.set(true, false)
	if status, body := e.call(t, adminCtx(), http.MethodDelete, "vms/vm-7", deleteApp7); status != 204 || !e.vc.deleted {
		t.Fatalf("status %d body %v deleted %v", status, body, e.vc.deleted)
	}
	pending, _, err := e.spool.Pending()
	if err != nil || len(pending) != 2 {
		t.Fatalf("%d spooled events (%v), want intent and outcome", len(pending), err)
	}
	// The relay is back but loses its first answer: the event is stored, the spool keeps it.
	e.sink.set(false, true)
	if _, err := e.spool.Deliver(context.Background(), e.rc); err == nil {
		t.Fatal("a lost answer must leave the event in the spool")
	}
	for i := 0; i < 3; i++ {
		if _, err := e.spool.Deliver(context.Background(), e.rc); err != nil {
			t.Fatal(err)
		}
	}
	evs := e.sink.all()
	seen := map[string]int{}
	for _, ev := range evs {
		seen[ev.Key()]++
	}
	if len(evs) != 2 || len(seen) != 2 {
		t.Fatalf("relay has %d events (%v), want intent and outcome once each", len(evs), seen)
	}
	if left, _, _ := e.spool.Pending(); len(left) != 0 {
		t.Fatalf("%d events left in the spool", len(left))
	}
}

// TestSpoolIsNotUsedForIntentInRefuseMode: a spool alone does not allow changes during an outage.
func TestSpoolIsNotUsedForIntentInRefuseMode(t *testing.T) {
	e := newAuditEnv(t, models.Settings{}, true, t.TempDir())
	e.sink.set(true, false)
	if status, _ := e.call(t, adminCtx(), http.MethodDelete, "vms/vm-7", deleteApp7); status != 503 || e.vc.deleted {
		t.Fatalf("status %d deleted %v", status, e.vc.deleted)
	}
}

func TestAuditListHidesOtherUsersEmailsFromNonAdmins(t *testing.T) {
	e := newAuditEnv(t, models.Settings{}, true, "")
	e.sink.events = []relay.AuditEvent{
		{Time: "2026-01-01T00:00:00Z", User: relay.AuditUser{Login: "ada", Email: "ada@example.com", Role: "Admin"}, Action: "delete", Outcome: "success"},
		{Time: "2026-01-01T00:00:01Z", User: relay.AuditUser{Login: "vera", Email: "vera@example.com", Role: "Viewer"}, Action: "power", Outcome: "refused"},
	}
	emails := func(user *backend.User) []string {
		status, body := e.call(t, backend.PluginContext{User: user}, http.MethodGet, "audit", "")
		if status != 200 {
			t.Fatalf("audit: %d %v", status, body)
		}
		var out []string
		for _, it := range body["items"].([]any) {
			u := it.(map[string]any)["user"].(map[string]any)
			out = append(out, u["login"].(string)+"="+u["email"].(string))
		}
		return out
	}
	if got := strings.Join(emails(viewer), ","); got != "ada=,vera=vera@example.com" {
		t.Fatalf("viewer sees %s", got)
	}
	if got := strings.Join(emails(nil), ","); got != "ada=,vera=" {
		t.Fatalf("Grafana itself sees %s", got)
	}
	if got := strings.Join(emails(admin), ","); got != "ada=ada@example.com,vera=vera@example.com" {
		t.Fatalf("admin sees %s", got)
	}
}

// TestAuditListIsThisDataSources: two data sources (two vCenters) on one relay never see each
// other's events for the same VM id.
func TestAuditListIsThisDataSources(t *testing.T) {
	e := newAuditEnv(t, models.Settings{}, true, "")
	e.sink.events = []relay.AuditEvent{
		{Time: "2026-01-01T00:00:00Z", User: relay.AuditUser{Login: "ada"}, Action: "delete", VM: relay.AuditVM{ID: "vm-1001"}, Outcome: "success", DatasourceUID: "vc-east"},
		{Time: "2026-01-01T00:00:01Z", User: relay.AuditUser{Login: "ada"}, Action: "power", VM: relay.AuditVM{ID: "vm-1001"}, Outcome: "success", DatasourceUID: "vc-west"},
	}
	status, body := e.call(t, adminCtx(), http.MethodGet, "audit?vm=vm-1001", "")
	items, _ := body["items"].([]any)
	if status != 200 || len(items) != 1 || items[0].(map[string]any)["datasourceUid"] != "vc-east" {
		t.Fatalf("%d %v", status, body)
	}
}

// TestErrorsHideInternalAddressesFromNonAdmins: the relay is unreachable; a Viewer reads what
// failed without its address, an Admin gets the details.
func TestErrorsHideInternalAddressesFromNonAdmins(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	rc := relay.NewWithHTTPClient(deadURL, "t", &http.Client{Timeout: time.Second})
	api := New(Deps{Query: &query.Deps{}, Relay: rc, Settings: &models.Settings{Roles: models.DefaultActionRoles}})
	e := &env{h: httpadapter.New(api)}
	addr := strings.TrimPrefix(deadURL, "http://")
	status, body := e.call(t, viewer, http.MethodGet, "audit", "")
	if status != 502 || strings.Contains(body["message"].(string), addr) || !strings.Contains(body["message"].(string), "relay") {
		t.Fatalf("viewer: %d %v", status, body)
	}
	_, body = e.call(t, admin, http.MethodGet, "audit", "")
	if !strings.Contains(body["message"].(string), addr) {
		t.Fatalf("admin should see the address: %v", body)
	}
}

// TestIDsAreMoRefs: an id that is not a managed object id never reaches vCenter.
func TestIDsAreMoRefs(t *testing.T) {
	e := newAuditEnv(t, models.Settings{}, true, "")
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, "vms/..", ""},
		{http.MethodGet, "vms/vm-1%2F..%2Fx", ""},
		{http.MethodGet, "vms/vm-1..", ""},
		{http.MethodGet, "vms/x..y/hardware/limits", ""},
		{http.MethodGet, "vms/vm-1;x/history", ""},
		{http.MethodPost, "vms/..x/power", `{"action":"start"}`},
		{http.MethodPatch, "vms/vm-7x/hardware", `{"cpuCount":2}`},
		{http.MethodDelete, "vms/VM-7", deleteApp7},
	} {
		status, body := e.call(t, adminCtx(), tc.method, tc.path, tc.body)
		if status != 400 && status != 404 {
			t.Fatalf("%s %s: %d %v", tc.method, tc.path, status, body)
		}
		for _, c := range e.vc.take() {
			if strings.Contains(c, "/api/vcenter/vm/") {
				t.Fatalf("%s %s reached vCenter: %s", tc.method, tc.path, c)
			}
		}
	}
	if status, body := e.call(t, adminCtx(), http.MethodGet, "vms/vm-1..", ""); status != 400 || !strings.Contains(body["message"].(string), "is not a VM id") {
		t.Fatalf("%d %v", status, body)
	}
}

// TestHardwareEventsCarryBefore: both phases of an updateHardware change name the values the
// change replaces (only those the request changes), read from vCenter before the change.
func TestHardwareEventsCarryBefore(t *testing.T) {
	e := newAuditEnv(t, models.Settings{}, true, "")
	if status, body := e.call(t, adminCtx(), http.MethodPatch, "vms/vm-7/hardware", `{"memoryMiB":8192}`); status != 200 || body["memoryMiB"] != float64(8192) {
		t.Fatalf("status %d body %v", status, body)
	}
	evs := e.sink.all()
	if len(evs) != 2 {
		t.Fatalf("%d events, want intent and outcome: %+v", len(evs), evs)
	}
	for _, ev := range evs {
		before, _ := ev.Params["before"].(map[string]any)
		if ev.Action != "updateHardware" || ev.Params["memoryMiB"] != float64(8192) || len(before) != 1 || before["memoryMiB"] != float64(4096) {
			t.Fatalf("event %s params %v", ev.Action, ev.Params)
		}
	}
	// A refusal after the read (state conflict) carries them too; a refusal before it has none.
	e.vc.power = "POWERED_ON"
	if status, _ := e.call(t, adminCtx(), http.MethodPatch, "vms/vm-7/hardware", `{"cpuCount":1,"memoryMiB":4096}`); status != 409 {
		t.Fatalf("status %d, want 409", status)
	}
	if status, _ := e.call(t, adminCtx(), http.MethodPatch, "vms/vm-7/hardware", `{"cpuCount":0}`); status != 400 {
		t.Fatalf("status %d, want 400", status)
	}
	evs = e.sink.all()
	if len(evs) != 4 {
		t.Fatalf("%d events, want 4: %+v", len(evs), evs)
	}
	before, _ := evs[2].Params["before"].(map[string]any)
	if evs[2].Outcome != "refused" || before["cpuCount"] != float64(2) || before["memoryMiB"] != float64(8192) {
		t.Fatalf("conflict event %+v", evs[2])
	}
	if _, ok := evs[3].Params["before"]; ok || evs[3].Outcome != "refused" {
		t.Fatalf("validation refusal %+v", evs[3])
	}
}
