package resources

import (
	"net/http"
	"strings"
	"testing"

	"github.com/privatecloud/vsphere/pkg/internal/resourcetest"
	"github.com/privatecloud/vsphere/pkg/internal/vropstest"
	"github.com/privatecloud/vsphere/pkg/query"
)

var usageFields = []string{"cpuCapacityMHz", "cpuUsagePct", "memoryCapacityBytes", "memoryUsagePct"}

func TestHostListWithoutVROps(t *testing.T) {
	e := newEnv(t) // recorded vCenter only, no vROps configured
	status, body := e.call(t, viewer, http.MethodGet, "inventory/hosts", "")
	if status != 200 {
		t.Fatalf("status %d body %v", status, body)
	}
	items := resourcetest.Items(body)
	if len(items) == 0 {
		t.Fatal("no hosts")
	}
	for _, h := range items {
		for _, f := range usageFields {
			if _, ok := h[f]; ok {
				t.Fatalf("%s present without vROps: %v", f, h)
			}
		}
	}
	if msg, _ := body["metricsError"].(string); !strings.Contains(msg, "vROps is not configured for this data source") {
		t.Fatalf("metricsError %q", msg)
	}
	if len(e.up.Unmatched) != 0 {
		t.Fatalf("unexpected upstream requests: %v", e.up.Unmatched)
	}
	// Other lists carry no metricsError.
	if _, body := e.call(t, viewer, http.MethodGet, "inventory/vms", ""); body["metricsError"] != nil {
		t.Fatalf("vms list has metricsError %v", body["metricsError"])
	}
}

func TestHostsSortedByUsageAcrossPages(t *testing.T) {
	fv := vropstest.NewUsage(map[string]map[string]float64{
		"host-10": {query.HostCPUUsageKey: 40, query.HostMemoryUsageKey: 85.5},
		"host-11": {query.HostCPUUsageKey: 91.25, query.HostMemoryUsageKey: 20},
	})
	e := newUsageEnv(t, fv)
	e.checkSortedPages(t, "inventory/hosts", 2, []sortedPage{
		{"sort=cpu&order=desc", "host-11,host-10"},
		{"sort=cpu&order=asc", "host-10,host-11"},
		{"sort=memory&order=desc", "host-10,host-11"},
		{"sort=memory&order=asc&pageSize=1&page=2", "host-10"},
		{"sort=cpu&order=desc&pageSize=1&page=1", "host-11"},
	})
	_, body := e.call(t, viewer, http.MethodGet, "inventory/hosts?sort=memory&order=desc&pageSize=1", "")
	first := resourcetest.Items(body)[0]
	if first["memoryUsagePct"] != 85.5 || first["cpuUsagePct"] != float64(40) || first["name"] == nil {
		t.Fatalf("item %v", first)
	}
	if _, ok := body["metricsError"]; ok {
		t.Fatalf("metricsError with every host known: %v", body["metricsError"])
	}
	// Every sorted page above came from one bulk fetch (cached briefly).
	if n := len(fv.LatestCalls()); n != 1 {
		t.Fatalf("%d latest calls, want 1", n)
	}
}
