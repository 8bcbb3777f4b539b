package integration

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/internal/harness"
	"github.com/privatecloud/vsphere/pkg/internal/replay"
)

// TestBinaryOverGRPCAgainstRecording checks the launch path (handshake, health, query, resource)
// against recorded upstream answers, independent of the simulator process.
func TestBinaryOverGRPCAgainstRecording(t *testing.T) {
	up := replay.Serve(t, "../query/testdata/vcenter.json", "../query/testdata/vrops.json")
	p, err := harness.StartPlugin()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	inst := harness.NewInstance(1, &harness.Simulator{URL: up.URL}, "", "", nil)
	res, err := p.Health(ctx(t), inst)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != backend.HealthStatusOk || !strings.Contains(res.Message, "8.0.2") || !strings.Contains(res.Message, "Aria Operations 8.18.0") {
		t.Fatalf("health: %v %s", res.Status, res.Message)
	}
	now := time.Now()
	resp, err := p.Query(ctx(t), inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "inventory", "entity": "vms"}, map[string]any{"queryType": "nope"})
	if err != nil {
		t.Fatal(err)
	}
	if r := resp.Responses["Q0"]; r.Error != nil || r.Frames[0].Rows() != 3 {
		t.Fatalf("inventory over gRPC: %+v", r)
	}
	if r := resp.Responses["Q1"]; r.Error == nil || r.Status != backend.StatusBadRequest {
		t.Fatalf("unknown query type over gRPC: %+v", r)
	}
	status, raw, err := p.Call(ctx(t), inst, &backend.User{Login: "v", Role: "Viewer"}, http.MethodDelete, "vms/vm-102", map[string]any{"confirmName": "test-01"})
	if err != nil || status != 403 || !strings.Contains(string(raw), "forbidden") {
		t.Fatalf("viewer delete over gRPC: %d %s %v", status, raw, err)
	}
	if n := up.CallCount("DELETE /api/vcenter/vm/vm-102"); n != 0 {
		t.Fatalf("vCenter received %d deletes", n)
	}
	status, raw, err = p.Call(ctx(t), inst, nil, http.MethodGet, "inventory/hosts?search=esx-02", nil)
	if err != nil || status != 200 || !strings.Contains(string(raw), `"total":1`) {
		t.Fatalf("inventory resource over gRPC: %d %s %v", status, raw, err)
	}
}
