package query

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
	"github.com/privatecloud/vsphere/pkg/internal/replay"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// updateGolden rewrites golden files only when asked (UPDATE_GOLDEN=1; datasource-plugin/pkg/README.md "Tests").
var updateGolden = os.Getenv("UPDATE_GOLDEN") == "1"

// from/to is the recorded window: 2026-01-01 00:00–03:00 UTC.
var (
	from = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to   = from.Add(3 * time.Hour)
)

type fixture struct {
	srv  *replay.Server
	deps *Deps
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	srv := replay.Serve(t, "testdata/vcenter.json", "testdata/vrops.json")
	vcc := vcenter.NewWithHTTPClient(srv.URL, "administrator@vsphere.local", "VMware1!", &http.Client{Timeout: 5 * time.Second})
	vrc := vrops.NewWithHTTPClient(srv.URL, "admin", "VMware1!", "", &http.Client{Timeout: 5 * time.Second})
	cache := inventory.NewCache(vcc, vrc, time.Minute)
	return &fixture{srv: srv, deps: &Deps{Inventory: cache, VCenter: vcc, Stats: vrc, VCenterName: "vc01.lab"}}
}

func (f *fixture) run(t *testing.T, queryType string, model map[string]any) backend.DataResponse {
	t.Helper()
	model["queryType"] = queryType
	model["refId"] = "A"
	raw, _ := json.Marshal(model)
	resp, err := NewMux(f.deps).QueryData(context.Background(), &backend.QueryDataRequest{
		Queries: []backend.DataQuery{{RefID: "A", QueryType: queryType, JSON: raw, Interval: time.Hour, MaxDataPoints: 100,
			TimeRange: backend.TimeRange{From: from, To: to}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Responses["A"]
}

func (f *fixture) noUnmatched(t *testing.T) {
	t.Helper()
	if len(f.srv.Unmatched) > 0 {
		t.Fatalf("requests without recording: %v", f.srv.Unmatched)
	}
}

func golden(t *testing.T, name string, dr backend.DataResponse) {
	t.Helper()
	if dr.Error != nil {
		t.Fatalf("unexpected error: %v", dr.Error)
	}
	experimental.CheckGoldenJSONResponse(t, "testdata", name, &dr, updateGolden)
}
