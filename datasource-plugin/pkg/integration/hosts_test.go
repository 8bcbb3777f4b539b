package integration

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/privatecloud/vsphere/pkg/internal/harness"
)

type hostPage struct {
	Items []struct {
		ID                  string   `json:"id"`
		Name                string   `json:"name"`
		ConnectionState     string   `json:"connectionState"`
		VMCount             int      `json:"vmCount"`
		CPUCapacityMHz      *float64 `json:"cpuCapacityMHz"`
		CPUUsagePct         *float64 `json:"cpuUsagePct"`
		MemoryCapacityBytes *int64   `json:"memoryCapacityBytes"`
		MemoryUsagePct      *float64 `json:"memoryUsagePct"`
	} `json:"items"`
	Total        int     `json:"total"`
	MetricsError *string `json:"metricsError"`
}

func hostList(t *testing.T, inst *harness.Instance, path string) hostPage {
	t.Helper()
	status, raw, err := plug.Call(ctx(t), inst, viewerUser, http.MethodGet, path, nil)
	if err != nil || status != 200 {
		t.Fatalf("GET %s: %d %s %v", path, status, raw, err)
	}
	var p hostPage
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("GET %s: %s: %v", path, raw, err)
	}
	return p
}

// TestHostListWithCPUAndMemory: the host list over gRPC carries each host's CPU and memory
// capacity and usage, from one bulk vROps call for the whole page.
func TestHostListWithCPUAndMemory(t *testing.T) {
	setup(t)
	inst := instance()
	hostList(t, inst, "inventory/hosts?pageSize=1") // warm the inventory and the id map
	if err := sim.Control(http.MethodPost, "/__sim/calls/reset", nil, nil); err != nil {
		t.Fatal(err)
	}
	p := hostList(t, inst, "inventory/hosts?pageSize=1000")
	if p.MetricsError != nil {
		t.Fatalf("metricsError: %s", *p.MetricsError)
	}
	if p.Total < 2 || len(p.Items) != p.Total {
		t.Fatalf("%d of %d hosts", len(p.Items), p.Total)
	}
	vms := 0
	for _, h := range p.Items {
		if h.CPUCapacityMHz == nil || h.CPUUsagePct == nil || h.MemoryCapacityBytes == nil || h.MemoryUsagePct == nil {
			t.Fatalf("%s lacks figures: %+v", h.Name, h)
		}
		// A host of 8–512 cores at 1.5–4 GHz with 16 GiB–24 TiB; busy but not above 100 %.
		if c := *h.CPUCapacityMHz; c < 8*1500 || c > 512*4000 {
			t.Fatalf("%s: CPU capacity %v MHz", h.Name, c)
		}
		if m := *h.MemoryCapacityBytes; m < 16<<30 || m > 24<<40 {
			t.Fatalf("%s: memory capacity %d bytes", h.Name, m)
		}
		for what, v := range map[string]float64{"CPU": *h.CPUUsagePct, "memory": *h.MemoryUsagePct} {
			if v < 0 || v > 100 || (h.ConnectionState == "CONNECTED" && v == 0) {
				t.Fatalf("%s (%s): %s usage %v %%", h.Name, h.ConnectionState, what, v)
			}
		}
		vms += h.VMCount
	}
	if vms != estateVMs {
		t.Fatalf("hosts hold %d VMs, want %d", vms, estateVMs)
	}
	calls, _ := sim.Calls()
	if n := calls.Route("POST", "stats/latest/query"); n != 1 {
		t.Fatalf("%d latest calls for %d hosts, want one bulk call", n, len(p.Items))
	}
	if n := calls.Route("stats/query") + calls.Route("resources/:", "stats") + calls.Route("resources/{", "stats"); n != 0 {
		t.Fatalf("%d other stats calls: %v", n, calls.Routes)
	}
	if n := calls.Route("/suite-api/"); n != 1 {
		t.Fatalf("%d vROps calls in all, want 1: %v", n, calls.Routes)
	}
}

// TestHostListDuringVROpsOutageOverGRPC: without vROps the host list still answers, without
// figures and with the reason.
func TestHostListDuringVROpsOutageOverGRPC(t *testing.T) {
	setup(t)
	inst := instance()
	if err := sim.Control(http.MethodPut, "/__sim/faults", map[string]any{"outage": map[string]any{"api": "vrops", "seconds": 60}}, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Control(http.MethodDelete, "/__sim/faults", nil, nil) })
	p := hostList(t, inst, "inventory/hosts?pageSize=20")
	if len(p.Items) == 0 || p.Items[0].Name == "" {
		t.Fatalf("no hosts during a vROps outage: %+v", p)
	}
	for _, h := range p.Items {
		if h.CPUCapacityMHz != nil || h.CPUUsagePct != nil || h.MemoryCapacityBytes != nil || h.MemoryUsagePct != nil {
			t.Fatalf("%s has figures during the outage: %+v", h.Name, h)
		}
	}
	if p.MetricsError == nil || !strings.Contains(*p.MetricsError, "vROps") || !strings.Contains(*p.MetricsError, "503") {
		t.Fatalf("metricsError %v", p.MetricsError)
	}
}
