package resources

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
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

// usageVROps knows the fixture's VMs and answers their latest usage, counting latest calls.
type usageVROps struct {
	values map[string]map[string]float64 // moref → key → value
	mu     sync.Mutex
	calls  int
}

func (f *usageVROps) QueryResources(context.Context, []string) ([]vrops.Resource, error) {
	var out []vrops.Resource
	for moref := range f.values {
		r := vrops.Resource{Identifier: "r-" + moref}
		r.ResourceKey.ResourceIdentifiers = []vrops.Identifier{{Value: moref}}
		r.ResourceKey.ResourceIdentifiers[0].IdentifierType.Name = "VMEntityObjectID"
		out = append(out, r)
	}
	return out, nil
}

func (f *usageVROps) BulkRelationships(context.Context, string, []string) ([]vrops.Relation, error) {
	return nil, errors.New("not used")
}

func (f *usageVROps) QueryStats(context.Context, vrops.StatsQuery) ([]vrops.ResourceStats, error) {
	return nil, errors.New("not used")
}

func (f *usageVROps) QueryAlerts(context.Context, []string, []string) ([]vrops.Alert, error) {
	return nil, errors.New("not used")
}

func (f *usageVROps) QueryLatest(_ context.Context, ids, keys []string) ([]vrops.ResourceStats, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	var out []vrops.ResourceStats
	for _, id := range ids {
		rs := vrops.ResourceStats{ResourceID: id}
		for _, k := range keys {
			if v, ok := f.values[strings.TrimPrefix(id, "r-")][k]; ok {
				var st vrops.Stat
				st.StatKey.Key = k
				st.Timestamps, st.Data = []int64{1_700_000_000_000}, []float64{v}
				rs.StatList.Stat = append(rs.StatList.Stat, st)
			}
		}
		out = append(out, rs)
	}
	return out, nil
}

func newUsageEnv(t *testing.T, fv *usageVROps) *env {
	t.Helper()
	up := replay.Serve(t, "../query/testdata/vcenter.json")
	vcc := vcenter.NewWithHTTPClient(up.URL, "administrator@vsphere.local", "VMware1!", &http.Client{Timeout: 5 * time.Second})
	qd := &query.Deps{Inventory: inventory.NewCache(vcc, fv, time.Minute), VCenter: vcc, Stats: fv}
	api := New(Deps{Query: qd, VCenter: vcc, Settings: &models.Settings{Roles: models.DefaultActionRoles}})
	return &env{up: up, h: httpadapter.New(api)}
}

func itemIDs(body map[string]any) string {
	var ids []string
	for _, it := range body["items"].([]any) {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	return strings.Join(ids, ",")
}

func TestVMsSortedByUsageAcrossPages(t *testing.T) {
	fv := &usageVROps{values: map[string]map[string]float64{
		"vm-100": {query.VMCPUUsageKey: 12.5, query.VMMemUsageKey: 90},
		"vm-101": {query.VMCPUUsageKey: 97},
		// vm-102 is unknown to vROps: no figures, sorted last both ways.
	}}
	e := newUsageEnv(t, fv)
	tests := []struct{ query, want string }{
		{"sort=cpu&order=desc", "vm-101,vm-100,vm-102"},
		{"sort=cpu&order=asc", "vm-100,vm-101,vm-102"},
		{"sort=memory&order=desc", "vm-100,vm-101,vm-102"},
		{"sort=cpu&order=desc&pageSize=1&page=2", "vm-100"},
		{"sort=cpu&order=desc&pageSize=2&page=2", "vm-102"},
	}
	for _, tc := range tests {
		status, body := e.call(t, viewer, http.MethodGet, "inventory/vms?"+tc.query, "")
		if status != 200 || itemIDs(body) != tc.want || body["total"] != float64(3) {
			t.Fatalf("%s: status %d, items %s, want %s (%v)", tc.query, status, itemIDs(body), tc.want, body)
		}
	}
	_, body := e.call(t, viewer, http.MethodGet, "inventory/vms?sort=cpu&order=desc", "")
	items := body["items"].([]any)
	first, second, last := items[0].(map[string]any), items[1].(map[string]any), items[2].(map[string]any)
	if first["cpuUsagePercent"] != float64(97) || first["memUsagePercent"] != nil || second["memUsagePercent"] != float64(90) || first["name"] == nil {
		t.Fatalf("items %v", items)
	}
	if _, ok := last["cpuUsagePercent"]; ok {
		t.Fatalf("a VM unknown to vROps with a figure: %v", last)
	}
	// All pages above came from one bulk fetch (cached briefly).
	if fv.calls != 1 {
		t.Fatalf("%d latest calls, want 1", fv.calls)
	}
}

func TestVMsSortByUsageWithoutVROpsIs400(t *testing.T) {
	e := newEnv(t)
	status, body := e.call(t, viewer, http.MethodGet, "inventory/vms?sort=memory", "")
	if status != 400 || body["error"] != "bad_request" || !strings.Contains(body["message"].(string), "vROps is not configured") {
		t.Fatalf("status %d body %v", status, body)
	}
	// Usage sorting is for VMs and hosts only.
	if status, _ := e.call(t, viewer, http.MethodGet, "inventory/clusters?sort=cpu", ""); status != 400 {
		t.Fatalf("clusters sorted by cpu: %d", status)
	}
}

func TestUsageKeySortsMissingLast(t *testing.T) {
	v1, v2 := 5.0, 50.0
	rows := []row{
		{id: "a", keys: map[string]sortKey{"cpu": missingKey}},
		{id: "b", keys: map[string]sortKey{"cpu": usageKey(&v2)}},
		{id: "c", keys: map[string]sortKey{"cpu": usageKey(&v1)}},
	}
	for _, desc := range []bool{false, true} {
		sortRows(rows, listQuery{sortBy: "cpu", desc: desc})
		got := rows[0].id + rows[1].id + rows[2].id
		want := map[bool]string{false: "cba", true: "bca"}[desc]
		if got != want {
			t.Fatalf("desc=%v: %s, want %s", desc, got, want)
		}
	}
}
