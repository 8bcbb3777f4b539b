// Command record captures simulator answers for the golden tests: it runs a fixed set of queries
// through the real clients against a simulator and writes the exchanges and the cases to
// pkg/query/testdata/sim. Run: go run ./pkg/internal/replay/record [-sim URL]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/internal/harness"
	"github.com/privatecloud/vsphere/pkg/internal/replay"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

func main() {
	simURL := flag.String("sim", "", "simulator URL (default: start one with 12 VMs)")
	out := flag.String("out", filepath.Join(harness.PluginRoot(), "pkg", "query", "testdata", "sim"), "output directory")
	flag.Parse()
	if err := run(*simURL, *out); err != nil {
		fmt.Fprintln(os.Stderr, "record failed:", err)
		os.Exit(1)
	}
}

func run(simURL, out string) error {
	if simURL == "" {
		sim, err := harness.StartSimulator("--vms", "12", "--hosts", "3", "--clusters", "1", "--seed", "7")
		if err != nil {
			return err
		}
		defer sim.Close()
		simURL = sim.URL
	}
	rec := &replay.Recorder{Next: http.DefaultTransport}
	hc := &http.Client{Transport: rec, Timeout: 30 * time.Second}
	vc := vcenter.NewWithHTTPClient(simURL, "administrator@vsphere.local", "VMware1!", hc)
	vr := vrops.NewWithHTTPClient(simURL, "administrator@vsphere.local", "VMware1!", "", hc)
	deps := &query.Deps{Inventory: inventory.NewCache(vc, vr, time.Hour), VCenter: vc, Stats: vr}
	ctx := context.Background()
	snap, err := deps.Inventory.Get(ctx)
	if err != nil {
		return err
	}
	if len(snap.VMs) == 0 || len(snap.Clusters) == 0 {
		return fmt.Errorf("the simulator returned no VMs or clusters")
	}
	var on string
	for _, vm := range snap.VMs {
		if vm.PowerState == "POWERED_ON" {
			on = vm.Name
			break
		}
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(6 * time.Hour)
	cases := []replay.Case{
		{Name: "sim_inventory_vms", QueryType: "inventory", Model: map[string]any{"entity": "vms"}},
		{Name: "sim_inventory_hosts", QueryType: "inventory", Model: map[string]any{"entity": "hosts"}},
		{Name: "sim_inventory_datastores", QueryType: "inventory", Model: map[string]any{"entity": "datastores"}},
		{Name: "sim_vmdetail", QueryType: "vmDetail", Model: map[string]any{"vms": []string{on, snap.VMs[0].ID}}},
		{Name: "sim_metrics_cluster", QueryType: "metrics", Model: map[string]any{"resourceKind": "VirtualMachine",
			"selection": map[string]any{"mode": "under", "parent": snap.Clusters[0].Name}, "statKeys": []string{"cpu|usage_average", "mem|usage_average"}, "interval": "1h"}},
		{Name: "sim_metrics_hosts", QueryType: "metrics", Model: map[string]any{"resourceKind": "HostSystem",
			"selection": map[string]any{"mode": "regex", "regex": ".*"}, "statKeys": []string{"cpu|usage_average"}, "rollUp": "MAX", "interval": "1h"}},
		{Name: "sim_latest", QueryType: "latest", Model: map[string]any{"selection": map[string]any{"mode": "regex", "regex": ".*"}, "statKeys": []string{"cpu|usage_average"}}},
		{Name: "sim_alerts", QueryType: "alerts", Model: map[string]any{"minLevel": "INFO"}},
		{Name: "sim_variable_vms_on", QueryType: "variable", Model: map[string]any{"entity": "vms", "filter": map[string]any{"powerState": "POWERED_ON"}}},
	}
	mux := query.NewMux(deps)
	for i := range cases {
		c := &cases[i]
		c.From, c.To = from.Format(time.RFC3339), to.Format(time.RFC3339)
		c.Model["queryType"], c.Model["refId"] = c.QueryType, "A"
		raw, _ := json.Marshal(c.Model)
		resp, err := mux.QueryData(ctx, &backend.QueryDataRequest{Queries: []backend.DataQuery{{RefID: "A", QueryType: c.QueryType, JSON: raw,
			Interval: time.Hour, MaxDataPoints: 100, TimeRange: backend.TimeRange{From: from, To: to}}}})
		if err != nil {
			return err
		}
		if e := resp.Responses["A"].Error; e != nil {
			return fmt.Errorf("%s: %w", c.Name, e)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := rec.Save(filepath.Join(out, "vcenter.json"), "/api/"); err != nil {
		return err
	}
	if err := rec.Save(filepath.Join(out, "vrops.json"), "/suite-api/"); err != nil {
		return err
	}
	raw, _ := json.MarshalIndent(cases, "", " ")
	return os.WriteFile(filepath.Join(out, "cases.json"), append(raw, '\n'), 0o644)
}
