package resources

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/internal/replay"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// newEnvWithVROps is newEnv with a vROps client at vropsURL ("" = the recorded vROps answers).
func newEnvWithVROps(t *testing.T, vropsURL string) *env {
	t.Helper()
	up := replay.Serve(t, "../query/testdata/vcenter.json", "../query/testdata/vrops.json")
	if vropsURL == "" {
		vropsURL = up.URL
	}
	hc := &http.Client{Timeout: 5 * time.Second}
	vcc := vcenter.NewWithHTTPClient(up.URL, "administrator@vsphere.local", "VMware1!", hc)
	vrc := vrops.NewWithHTTPClient(vropsURL, "admin", "VMware1!", "", hc)
	qd := &query.Deps{Inventory: inventory.NewCache(vcc, vrc, time.Minute), VCenter: vcc, Stats: vrc}
	api := New(Deps{Query: qd, VCenter: vcc, VROps: vrc, Settings: &models.Settings{Roles: models.DefaultActionRoles}})
	return &env{up: up, h: httpadapter.New(api)}
}

func firstItem(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	items, _ := body["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("items %v", body)
	}
	return items[0].(map[string]any)
}

func TestDatastoresCarryHostCountFromOneBulkCall(t *testing.T) {
	e := newEnvWithVROps(t, "")
	for i := 0; i < 2; i++ {
		status, body := e.call(t, viewer, http.MethodGet, "inventory/datastores", "")
		if status != 200 {
			t.Fatalf("status %d %v", status, body)
		}
		// ds-shared-01's parents are two HostSystems and a Datacenter: two hosts.
		if d := firstItem(t, body); d["name"] != "ds-shared-01" || d["hostCount"] != float64(2) || d["capacityBytes"] != float64(1099511627776) {
			t.Fatalf("datastore %v", d)
		}
		if _, ok := body["warnings"]; ok {
			t.Fatalf("unexpected warnings %v", body["warnings"])
		}
	}
	if n := e.up.CallCount("POST /suite-api/api/resources/bulk/relationships"); n != 1 {
		t.Fatalf("%d bulk relationships calls, want 1 (cached with the snapshot)", n)
	}
	// Other entities do not ask vROps for relationships.
	if status, _ := e.call(t, viewer, http.MethodGet, "inventory/clusters", ""); status != 200 || e.up.CallCount("POST /suite-api/api/resources/bulk/relationships") != 1 {
		t.Fatal("clusters list asked for relationships")
	}
	if len(e.up.Unmatched) > 0 {
		t.Fatalf("requests without recording: %v", e.up.Unmatched)
	}
}

func TestDatastoresListWithoutHostCountWhenVROpsFailsOrIsMissing(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"message":"An internal error occurred.","httpStatusCode":500}`))
	}))
	defer down.Close()
	for name, e := range map[string]*env{"failing vROps": newEnvWithVROps(t, down.URL), "no vROps": newEnv(t)} {
		t.Run(name, func(t *testing.T) {
			status, body := e.call(t, viewer, http.MethodGet, "inventory/datastores", "")
			if status != 200 || body["total"] != float64(1) {
				t.Fatalf("status %d %v", status, body)
			}
			d := firstItem(t, body)
			if _, ok := d["hostCount"]; ok || d["name"] != "ds-shared-01" {
				t.Fatalf("datastore %v", d)
			}
			warnings, _ := body["warnings"].([]any)
			if name == "no vROps" && len(warnings) != 0 {
				t.Fatalf("warnings without vROps: %v", warnings)
			}
			if name == "failing vROps" && (len(warnings) != 1 || !strings.Contains(warnings[0].(string), "datastore host counts are unavailable: vROps")) {
				t.Fatalf("warnings %v", warnings)
			}
		})
	}
}

func TestPlacementDatastoresCarryHostIDs(t *testing.T) {
	e := newEnvWithVROps(t, "")
	status, body := e.call(t, editor, http.MethodGet, "options/placement", "")
	if status != 200 {
		t.Fatalf("status %d %v", status, body)
	}
	ds := body["datastores"].([]any)
	if len(ds) != 1 {
		t.Fatalf("datastores %v", ds)
	}
	d := ds[0].(map[string]any)
	hosts, _ := d["hosts"].([]any)
	if d["name"] != "ds-shared-01" || len(hosts) != 2 {
		t.Fatalf("datastore %v", d)
	}
	known := map[string]bool{}
	for _, h := range body["hosts"].([]any) {
		known[h.(map[string]any)["id"].(string)] = true
	}
	for _, h := range hosts {
		if !known[h.(string)] {
			t.Fatalf("datastore host %v is not a host of the placement %v", h, body["hosts"])
		}
	}
	// Networks carry no host list: vCenter's REST API gives none.
	if len(body["networks"].([]any)) == 0 {
		t.Fatal("the fixture's network is missing")
	}
	for _, n := range body["networks"].([]any) {
		if _, ok := n.(map[string]any)["hosts"]; ok {
			t.Fatalf("network with hosts %v", n)
		}
	}
	if len(e.up.Unmatched) > 0 {
		t.Fatalf("requests without recording: %v", e.up.Unmatched)
	}
}

func TestPlacementDatastoresWithoutHostsWithoutVROps(t *testing.T) {
	e := newEnv(t)
	status, body := e.call(t, editor, http.MethodGet, "options/placement", "")
	if status != 200 {
		t.Fatalf("status %d %v", status, body)
	}
	for _, d := range body["datastores"].([]any) {
		if _, ok := d.(map[string]any)["hosts"]; ok {
			t.Fatalf("datastore with hosts without vROps: %v", d)
		}
	}
	if len(body["datastores"].([]any)) == 0 {
		t.Fatal("datastores must still list without vROps")
	}
}

func TestVMItemsCarryGuestOSNameAndIPFromVROps(t *testing.T) {
	e := newEnvWithVROps(t, "")
	status, body := e.call(t, viewer, http.MethodGet, "inventory/vms?sort=name", "")
	if status != 200 {
		t.Fatalf("status %d %v", status, body)
	}
	got := map[string][3]any{}
	for _, it := range body["items"].([]any) {
		m := it.(map[string]any)
		got[m["name"].(string)] = [3]any{m["guestOS"], m["guestOSName"], m["ip"]}
	}
	want := map[string][3]any{
		"db-01":   {"Red Hat Enterprise Linux 8 (64-bit)", "Red Hat Enterprise Linux 8 (64-bit)", nil},
		"test-01": {"", nil, nil}, // vROps has no properties for it and the VM list has no guest_OS id
		"web-01":  {"Ubuntu Linux (64-bit)", "Ubuntu Linux (64-bit)", "10.0.0.11"},
	}
	for name, w := range want {
		if got[name] != w {
			t.Fatalf("%s: got %v, want %v", name, got[name], w)
		}
	}
}
