package resources

import (
	"net/http"
	"strings"
	"testing"

	"github.com/privatecloud/vsphere/pkg/internal/vropstest"
	"github.com/privatecloud/vsphere/pkg/query"
)

func TestVMsSortedByUsageAcrossPages(t *testing.T) {
	fv := vropstest.NewUsage(map[string]map[string]float64{
		"vm-100": {query.VMCPUUsageKey: 12.5, query.VMMemUsageKey: 90},
		"vm-101": {query.VMCPUUsageKey: 97},
		// vm-102 is unknown to vROps: no figures, sorted last both ways.
	})
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
	if n := len(fv.LatestCalls()); n != 1 {
		t.Fatalf("%d latest calls, want 1", n)
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
