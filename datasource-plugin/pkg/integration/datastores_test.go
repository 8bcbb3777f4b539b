package integration

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// hostsPerCluster counts the hosts of each cluster (by name) through the inventory query.
func hostsPerCluster(t *testing.T, frame *data.Frame) map[string]int {
	t.Helper()
	names, _ := frame.FieldByName("clusterName")
	out := map[string]int{}
	for i := 0; i < names.Len(); i++ {
		out[names.At(i).(string)]++
	}
	return out
}

// expectedHosts is what the simulator's estate mounts: its shared datastores (`<cluster>-vsan`,
// `<cluster>-nfs01`) on every host of the cluster, a local one (`esx-NN-local`) on one host.
func expectedHosts(t *testing.T, name string, perCluster map[string]int) int {
	t.Helper()
	if strings.HasSuffix(name, "-local") {
		return 1
	}
	for _, suffix := range []string{"-vsan", "-nfs01"} {
		if cl, ok := strings.CutSuffix(name, suffix); ok && perCluster[cl] > 0 {
			return perCluster[cl]
		}
	}
	t.Fatalf("datastore %q is neither local nor a cluster's shared datastore", name)
	return 0
}

func TestDatastoreHostCountsFromOneBulkRelationshipsCall(t *testing.T) {
	setup(t)
	inst := instance()
	now := time.Now()
	perCluster := hostsPerCluster(t, queryOne(t, plug, inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "inventory", "entity": "hosts"}).Frames[0])
	if len(perCluster) < 2 {
		t.Fatalf("hosts per cluster %v", perCluster)
	}
	if err := sim.Control(http.MethodPost, "/__sim/calls/reset", nil, nil); err != nil {
		t.Fatal(err)
	}

	r := queryOK(t, plug, inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "inventory", "entity": "datastores"})
	fr := r.Frames[0]
	names, _ := fr.FieldByName("name")
	hosts, _ := fr.FieldByName("hostCount")
	if hosts == nil || hosts.Config == nil || hosts.Config.DisplayNameFromDS != "Hosts" || len(fr.Meta.Notices) != 0 {
		t.Fatalf("Hosts field %+v, notices %v", hosts, fr.Meta.Notices)
	}
	shared, local := 0, 0
	for i := 0; i < fr.Rows(); i++ {
		name := names.At(i).(string)
		n, ok := hosts.ConcreteAt(i)
		want := expectedHosts(t, name, perCluster)
		if !ok || n.(int64) != int64(want) {
			t.Fatalf("datastore %s: hostCount %v, want %d", name, n, want)
		}
		if want > 1 {
			shared++
		} else {
			local++
		}
	}
	if shared == 0 || local == 0 {
		t.Fatalf("shared %d, local %d datastores", shared, local)
	}
	calls, err := sim.Calls()
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.Route("POST", "/resources/bulk/relationships"); n != 1 {
		t.Fatalf("bulk relationships calls = %d, want 1 for %d datastores", n, fr.Rows())
	}
	if n := calls.Route("GET", "/relationships"); n != 0 {
		t.Fatalf("per-resource relationship calls: %d", n)
	}

	// The resource API serves the same counts from the same snapshot: no further vROps call.
	status, raw, err := plug.Call(ctx(t), inst, viewerUser, http.MethodGet, "inventory/datastores?search=-vsan&pageSize=1000", nil)
	if err != nil || status != 200 {
		t.Fatalf("inventory/datastores: %d %s %v", status, raw, err)
	}
	var page struct {
		Items []struct {
			Name      string `json:"name"`
			HostCount *int   `json:"hostCount"`
		} `json:"items"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal(raw, &page); err != nil || len(page.Items) != len(perCluster) || len(page.Warnings) != 0 {
		t.Fatalf("page %s: %v", raw, err)
	}
	for _, d := range page.Items {
		if d.HostCount == nil || *d.HostCount != expectedHosts(t, d.Name, perCluster) {
			t.Fatalf("resource API datastore %s hostCount %v", d.Name, d.HostCount)
		}
	}
	calls, _ = sim.Calls()
	if n := calls.Route("POST", "/resources/bulk/relationships"); n != 1 {
		t.Fatalf("bulk relationships calls after the resource call = %d, want still 1", n)
	}
}

func TestDatastoresListDuringVROpsOutage(t *testing.T) {
	setup(t)
	inst := instance()
	if err := sim.Control(http.MethodPut, "/__sim/faults", map[string]any{"outage": map[string]any{"api": "vrops", "seconds": 60}}, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Control(http.MethodDelete, "/__sim/faults", nil, nil) })
	now := time.Now()
	r := queryOne(t, plug, inst, nil, now.Add(-time.Hour), now, map[string]any{"queryType": "inventory", "entity": "datastores"})
	if r.Error != nil || r.Frames[0].Rows() == 0 {
		t.Fatalf("datastores must list during a vROps outage: %v", r.Error)
	}
	fr := r.Frames[0]
	hosts, _ := fr.FieldByName("hostCount")
	if _, ok := hosts.ConcreteAt(0); ok {
		t.Fatal("hostCount must be null when vROps is down")
	}
	if len(fr.Meta.Notices) != 1 || !strings.Contains(fr.Meta.Notices[0].Text, "datastore host counts are unavailable") {
		t.Fatalf("notices %+v", fr.Meta.Notices)
	}
	status, raw, err := plug.Call(ctx(t), inst, viewerUser, http.MethodGet, "inventory/datastores?pageSize=1", nil)
	if err != nil || status != 200 || strings.Contains(string(raw), `"hostCount"`) || !strings.Contains(string(raw), `"warnings":["datastore host counts are unavailable`) {
		t.Fatalf("resource API during the outage: %d %s %v", status, raw, err)
	}
}
