package integration

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/internal/harness"
)

// outageRelay is the relay's audit API that can be taken down; it lists what it stores like
// GET /internal/audit does, so the backend can check before redelivering.
type outageRelay struct {
	mu     sync.Mutex
	down   bool
	events []map[string]any
}

func (o *outageRelay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.down || r.Header.Get("Authorization") != "Bearer it-relay-token" {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/internal/audit":
		var ev map[string]any
		_ = json.NewDecoder(r.Body).Decode(&ev)
		o.events = append(o.events, ev)
		w.WriteHeader(201)
	case r.Method == http.MethodGet && r.URL.Path == "/internal/audit":
		vm := r.URL.Query().Get("vm")
		items := []map[string]any{}
		for _, ev := range o.events {
			if v, _ := ev["vm"].(map[string]any); vm == "" || v["id"] == vm {
				items = append(items, ev)
			}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"items": items, "total": len(items)})
	default:
		w.WriteHeader(404)
	}
}

func (o *outageRelay) setDown(d bool) { o.mu.Lock(); o.down = d; o.mu.Unlock() }

// phases counts the stored events of one VM and action by phase.
func (o *outageRelay) phases(action, vm string) map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := map[string]int{}
	for _, ev := range o.events {
		v, _ := ev["vm"].(map[string]any)
		p, _ := ev["params"].(map[string]any)
		if ev["action"] == action && v["id"] == vm {
			ph, _ := p["auditPhase"].(string)
			out[ph]++
		}
	}
	return out
}

func newInstance(extra map[string]any, relayURL string) *harness.Instance {
	idMu.Lock()
	defer idMu.Unlock()
	nextID++
	return harness.NewInstance(nextID, sim, relayURL, "it-relay-token", extra)
}

// poweredOffVM powers a VM off (relay up) and returns its id and name.
func poweredOffVM(t *testing.T, inst *harness.Instance) (string, string) {
	t.Helper()
	id := vmIDs(t, inst, 1)[0]
	if status, raw, err := plug.Call(ctx(t), inst, adminUser, http.MethodPost, "vms/"+id+"/power", map[string]any{"action": "stop"}); err != nil || (status != 200 && status != 409) {
		t.Fatalf("power off %s: %d %s %v", id, status, raw, err)
	}
	status, raw, err := plug.Call(ctx(t), inst, adminUser, http.MethodGet, "vms/"+id, nil)
	if err != nil || status != 200 {
		t.Fatalf("detail: %d %s %v", status, raw, err)
	}
	return id, decode(t, raw)["name"].(string)
}

// TestRelayDownRefusesDelete: relay down → the delete is refused and the VM is still there.
func TestRelayDownRefusesDelete(t *testing.T) {
	setup(t)
	rel := &outageRelay{}
	rs := httptest.NewServer(rel)
	defer rs.Close()
	inst := newInstance(nil, rs.URL)
	id, name := poweredOffVM(t, inst)
	rel.setDown(true)
	status, raw, err := plug.Call(ctx(t), inst, adminUser, http.MethodDelete, "vms/"+id, map[string]any{"confirmName": name})
	if err != nil || status != http.StatusServiceUnavailable || decode(t, raw)["message"] != "audit log unavailable: VM not changed" {
		t.Fatalf("delete with the relay down: %d %s %v", status, raw, err)
	}
	calls, _ := sim.Calls()
	if n := calls.Route("DELETE", "/api/vcenter/vm/"); n != 0 {
		t.Fatalf("vCenter received %d deletes", n)
	}
	if status, raw, _ := plug.Call(ctx(t), inst, adminUser, http.MethodGet, "vms/"+id, nil); status != 200 {
		t.Fatalf("VM gone after a refused delete: %d %s", status, raw)
	}
}

// TestSpoolModeDeliversOnceAfterTheRelayReturns: with auditOutage=spool the delete goes ahead
// during the outage, and its intent and outcome reach the relay once it is back, exactly once.
func TestSpoolModeDeliversOnceAfterTheRelayReturns(t *testing.T) {
	setup(t)
	rel := &outageRelay{}
	rs := httptest.NewServer(rel)
	defer rs.Close()
	dir := t.TempDir()
	inst := newInstance(map[string]any{"auditOutage": "spool", "auditSpoolDir": dir}, rs.URL)
	id, name := poweredOffVM(t, inst)
	rel.setDown(true)
	status, raw, err := plug.Call(ctx(t), inst, adminUser, http.MethodDelete, "vms/"+id, map[string]any{"confirmName": name})
	if err != nil || status != http.StatusNoContent {
		t.Fatalf("delete in spool mode: %d %s %v", status, raw, err)
	}
	if status, _, _ := plug.Call(ctx(t), inst, adminUser, http.MethodGet, "vms/"+id, nil); status != 404 {
		t.Fatalf("VM still there after the delete: %d", status)
	}
	if p := rel.phases("delete", id); len(p) != 0 {
		t.Fatalf("the relay was down but has %v", p)
	}
	rel.setDown(false)
	// The next recorded event (a refused Viewer request) sends the spool on.
	trigger := func() {
		if status, _, _ := plug.Call(ctx(t), inst, viewerUser, http.MethodPost, "vms/"+id+"/power", map[string]any{"action": "start"}); status != 403 {
			t.Fatalf("trigger: %d", status)
		}
	}
	trigger()
	deadline := time.Now().Add(20 * time.Second)
	for p := rel.phases("delete", id); p["intent"] == 0 || p["outcome"] == 0; p = rel.phases("delete", id) {
		if time.Now().After(deadline) {
			t.Fatalf("spooled events not delivered: %v", p)
		}
		time.Sleep(100 * time.Millisecond)
	}
	trigger()
	for time.Now().Before(deadline) {
		left, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
		if len(left) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if p := rel.phases("delete", id); p["intent"] != 1 || p["outcome"] != 1 {
		t.Fatalf("delivered %v, want intent and outcome once each", p)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*", "*.json")); len(left) != 0 {
		t.Fatalf("%d events left in the spool", len(left))
	}
	_ = os.RemoveAll(dir)
}
