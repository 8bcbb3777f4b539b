package query

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/internal/replay"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// TestSimulatorRecordingGolden replays answers recorded from the simulator
// (go run ./pkg/internal/replay/record) through the real clients, one golden file per case.
func TestSimulatorRecordingGolden(t *testing.T) {
	var cases []replay.Case
	raw, err := os.ReadFile("testdata/sim/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	srv := replay.Serve(t, "testdata/sim/vcenter.json", "testdata/sim/vrops.json")
	hc := &http.Client{Timeout: 5 * time.Second}
	vcc := vcenter.NewWithHTTPClient(srv.URL, "administrator@vsphere.local", "VMware1!", hc)
	vrc := vrops.NewWithHTTPClient(srv.URL, "administrator@vsphere.local", "VMware1!", "", hc)
	deps := &Deps{Inventory: inventory.NewCache(vcc, vrc, time.Hour), VCenter: vcc, Stats: vrc, VCenterName: "vc01.lab"}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			from, _ := time.Parse(time.RFC3339, c.From)
			to, _ := time.Parse(time.RFC3339, c.To)
			q, _ := json.Marshal(c.Model)
			resp, err := NewMux(deps).QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{RefID: "A", QueryType: c.QueryType,
				JSON: q, Interval: time.Hour, MaxDataPoints: 100, TimeRange: backend.TimeRange{From: from, To: to}}}})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.Name, resp.Responses["A"])
		})
	}
	if len(srv.Unmatched) > 0 {
		t.Fatalf("requests without recording: %v", srv.Unmatched)
	}
}
