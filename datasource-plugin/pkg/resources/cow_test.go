package resources

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// fakeVC is a one-host vCenter with VM vm-7 that counts every call, for checking what a VM
// change costs upstream.
type fakeVC struct {
	mu      sync.Mutex
	calls   []string
	power   string
	mem     int64
	deleted bool
}

func (f *fakeVC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/session":
		w.WriteHeader(201)
		fmt.Fprint(w, `"tok"`)
	case r.URL.Path == "/api/vcenter/datacenter":
		fmt.Fprint(w, `[{"datacenter":"datacenter-1","name":"DC"}]`)
	case r.URL.Path == "/api/vcenter/host":
		fmt.Fprint(w, `[{"host":"host-1","name":"esx-1","connection_state":"CONNECTED","power_state":"POWERED_ON"}]`)
	case r.URL.Path == "/api/vcenter/vm" && r.Method == http.MethodGet:
		fmt.Fprintf(w, `[{"vm":"vm-7","name":"app-7","power_state":%q,"cpu_count":2,"memory_size_MiB":%d}]`, f.power, f.mem)
	case r.URL.Path == "/api/vcenter/vm/vm-7" && r.Method == http.MethodGet:
		fmt.Fprintf(w, `{"name":"app-7","guest_OS":"UBUNTU_64","power_state":%q,"cpu":{"count":2,"cores_per_socket":1},"memory":{"size_MiB":%d}}`, f.power, f.mem)
	case r.URL.Path == "/api/vcenter/vm/vm-7/power" && r.Method == http.MethodPost:
		if r.URL.Query().Get("action") == "start" {
			f.power = "POWERED_ON"
		} else {
			f.power = "POWERED_OFF"
		}
		w.WriteHeader(204)
	case r.URL.Path == "/api/vcenter/vm/vm-7/hardware/memory" && r.Method == http.MethodPatch:
		var body struct {
			SizeMiB int64 `json:"size_MiB"`
		}
		_ = jsonDecode(r, &body)
		f.mem = body.SizeMiB
		w.WriteHeader(204)
	case r.URL.Path == "/api/vcenter/vm/vm-7" && r.Method == http.MethodDelete:
		f.deleted = true
		w.WriteHeader(204)
	case strings.HasPrefix(r.URL.Path, "/api/vcenter/"):
		fmt.Fprint(w, `[]`)
	default:
		w.WriteHeader(404)
		fmt.Fprint(w, `{"error_type":"NOT_FOUND","messages":[]}`)
	}
}

func (f *fakeVC) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

func newFakeEnv(t *testing.T) (*env, *fakeVC) {
	t.Helper()
	f := &fakeVC{power: "POWERED_OFF", mem: 4096}
	vc := httptest.NewServer(f)
	t.Cleanup(vc.Close)
	fr := &fakeRelay{}
	rs := httptest.NewServer(fr)
	t.Cleanup(rs.Close)
	vcc := vcenter.NewWithHTTPClient(vc.URL, "u", "p", &http.Client{Timeout: 5 * time.Second})
	rc := relay.NewWithHTTPClient(rs.URL, "t", rs.Client())
	qd := &query.Deps{Inventory: inventory.NewCache(vcc, nil, time.Hour), VCenter: vcc}
	api := New(Deps{Query: qd, VCenter: vcc, Relay: rc, Settings: &models.Settings{Roles: models.DefaultActionRoles}})
	return &env{relay: fr, h: httpadapter.New(api)}, f
}

// TestVMChangeUpdatesOnlyThatVM: a power action and a memory change cost at most 3 upstream
// calls each, and the next inventory read is served from the cache with the change in it
// (it used to rebuild the whole inventory).
func TestVMChangeUpdatesOnlyThatVM(t *testing.T) {
	e, f := newFakeEnv(t)
	if status, body := e.call(t, editor, http.MethodGet, "inventory/vms", ""); status != 200 || body["total"].(float64) != 1 {
		t.Fatalf("inventory: %d %v", status, body)
	}
	f.take()
	steps := []struct {
		method, path, body string
		check              func(vm map[string]any) bool
	}{
		{http.MethodPost, "vms/vm-7/power", `{"action":"start"}`, func(vm map[string]any) bool { return vm["powerState"] == "POWERED_ON" }},
		{http.MethodPost, "vms/vm-7/power", `{"action":"stop"}`, func(vm map[string]any) bool { return vm["powerState"] == "POWERED_OFF" }},
		{http.MethodPatch, "vms/vm-7/hardware", `{"memoryMiB":8192}`, func(vm map[string]any) bool { return vm["memoryMiB"].(float64) == 8192 }},
	}
	for _, st := range steps {
		status, body := e.call(t, editor, st.method, st.path, st.body)
		if status != 200 {
			t.Fatalf("%s %s: %d %v", st.method, st.path, status, body)
		}
		calls := f.take()
		if len(calls) > 3 {
			t.Fatalf("%s %s: %d upstream calls, want <= 3: %v", st.method, st.path, len(calls), calls)
		}
		status, body = e.call(t, editor, http.MethodGet, "inventory/vms", "")
		if status != 200 {
			t.Fatalf("inventory after %s: %d", st.path, status)
		}
		if calls := f.take(); len(calls) != 0 {
			t.Fatalf("inventory after %s %s: %d upstream calls, want 0 (served from the cache): %v", st.method, st.path, len(calls), calls)
		}
		vm := body["items"].([]any)[0].(map[string]any)
		if !st.check(vm) {
			t.Fatalf("after %s %s the cached VM is %v", st.method, st.path, vm)
		}
	}
}

func jsonDecode(r *http.Request, v any) error { return json.NewDecoder(r.Body).Decode(v) }
