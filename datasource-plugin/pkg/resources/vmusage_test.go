package resources

import (
	"net/http"
	"strings"
	"testing"

	"github.com/privatecloud/vsphere/pkg/internal/resourcetest"
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
	e.checkSortedPages(t, "inventory/vms", 3, []sortedPage{
		{"sort=cpu&order=desc", "vm-101,vm-100,vm-102"},
		{"sort=cpu&order=asc", "vm-100,vm-101,vm-102"},
		{"sort=memory&order=desc", "vm-100,vm-101,vm-102"},
		{"sort=cpu&order=desc&pageSize=1&page=2", "vm-100"},
		{"sort=cpu&order=desc&pageSize=2&page=2", "vm-102"},
	})
	_, body := e.call(t, viewer, http.MethodGet, "inventory/vms?sort=cpu&order=desc", "")
	items := resourcetest.Items(body)
	if len(items) != 3 {
		t.Fatalf("items %v", items)
	}
	first, second, last := items[0], items[1], items[2]
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

// Sorting VMs or hosts by usage needs vROps: without it the list answers 400 and says why.
func TestSortByUsageWithoutVROpsIs400(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"inventory/vms?sort=memory", "inventory/hosts?sort=cpu&order=desc"} {
		status, body := e.call(t, viewer, http.MethodGet, path, "")
		if msg, _ := body["message"].(string); status != 400 || body["error"] != "bad_request" || !strings.Contains(msg, "vROps is not configured") {
			t.Fatalf("%s: status %d body %v", path, status, body)
		}
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
