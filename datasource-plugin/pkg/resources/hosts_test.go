package resources

import (
	"net/http"
	"strings"
	"testing"
)

func hostItems(t *testing.T, body map[string]any) []map[string]any {
	t.Helper()
	raw, _ := body["items"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, it := range raw {
		out = append(out, it.(map[string]any))
	}
	return out
}

var usageFields = []string{"cpuCapacityMHz", "cpuUsagePct", "memoryCapacityBytes", "memoryUsagePct"}

func TestHostListWithoutVROps(t *testing.T) {
	e := newEnv(t) // recorded vCenter only, no vROps configured
	status, body := e.call(t, viewer, http.MethodGet, "inventory/hosts", "")
	if status != 200 {
		t.Fatalf("status %d body %v", status, body)
	}
	items := hostItems(t, body)
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
