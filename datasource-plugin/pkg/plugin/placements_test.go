package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/relay"
)

// TestInventoryBuildPushesPlacementsToTheRelay: with a relay configured, the first query builds
// the inventory and the data source sends every VM's host and cluster by name, under the same
// `vcenter` name as its series labels (docs/contracts.md §2, §5).
func TestInventoryBuildPushesPlacementsToTheRelay(t *testing.T) {
	up := upstream(t)
	type body struct {
		VCenter    string            `json:"vcenter"`
		Placements []relay.Placement `json:"placements"`
	}
	var mu sync.Mutex
	var got []body
	var auth string
	rl := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b body
		if r.Method != http.MethodPut || r.URL.Path != "/internal/placements" || json.NewDecoder(r.Body).Decode(&b) != nil {
			t.Errorf("unexpected call %s %s", r.Method, r.URL.Path)
		}
		mu.Lock()
		got, auth = append(got, b), r.Header.Get("Authorization")
		mu.Unlock()
		_, _ = w.Write([]byte(`{"stored":3}`))
	}))
	defer rl.Close()

	ds := withRelay(t, up.URL, rl.URL, nil)
	resp := vmInventory(t, ds)
	if resp.Error != nil {
		t.Fatalf("query: %v", resp.Error)
	}
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("%d pushes, want 1", len(got))
	}
	if want := query.VCenterLabel(up.URL); got[0].VCenter != want || auth != "Bearer relay-token-for-tests" {
		t.Fatalf("vcenter %q (want %q), auth %q", got[0].VCenter, want, auth)
	}
	ps := got[0].Placements
	sort.Slice(ps, func(a, b int) bool { return ps[a].VMID < ps[b].VMID })
	want := []relay.Placement{
		{VMID: "vm-100", VM: "web-01", Host: "esx-01.lab", Cluster: "Cluster-A"},
		{VMID: "vm-101", VM: "db-01", Host: "esx-02.lab", Cluster: "Cluster-A"},
		{VMID: "vm-102", VM: "test-01", Host: "esx-02.lab", Cluster: "Cluster-A"},
	}
	if len(ps) != len(want) {
		t.Fatalf("placements %+v", ps)
	}
	for i := range want {
		if ps[i] != want[i] {
			t.Fatalf("placement %d: %+v, want %+v", i, ps[i], want[i])
		}
	}
}

// TestUnstoredPlacementsGoAgainWithTheNextBuild: a push the relay refused is not confirmed to the
// inventory, so the next build sends every VM again (docs/contracts.md §5).
func TestUnstoredPlacementsGoAgainWithTheNextBuild(t *testing.T) {
	var mu sync.Mutex
	var pushes []int // VMs per push
	rl := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct {
			Placements []relay.Placement `json:"placements"`
		}
		_ = json.NewDecoder(r.Body).Decode(&b)
		mu.Lock()
		pushes = append(pushes, len(b.Placements))
		first := len(pushes) == 1
		mu.Unlock()
		if first {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":"unavailable","message":"relay restarting"}`))
			return
		}
		_, _ = w.Write([]byte(`{"stored":3}`))
	}))
	defer rl.Close()
	ds := withRelay(t, upstream(t).URL, rl.URL, map[string]any{"cacheTtlSeconds": 1})
	waitPushes := func(n int) []int {
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			got := append([]int(nil), pushes...)
			mu.Unlock()
			if len(got) >= n {
				return got
			}
		}
		t.Fatalf("fewer than %d pushes", n)
		return nil
	}
	if resp := vmInventory(t, ds); resp.Error != nil {
		t.Fatal(resp.Error)
	}
	waitPushes(1)
	time.Sleep(1100 * time.Millisecond) // let the 1 s inventory TTL pass: the next query rebuilds
	if resp := vmInventory(t, ds); resp.Error != nil {
		t.Fatal(resp.Error)
	}
	if got := waitPushes(2); got[0] != 3 || got[1] != 3 {
		t.Fatalf("VMs per push %v, want [3 3]", got)
	}
}

// TestRelayDownNeverFailsAQuery: the push is best effort; the query answers although the relay is unreachable.
func TestRelayDownNeverFailsAQuery(t *testing.T) {
	ds := withRelay(t, upstream(t).URL, "http://127.0.0.1:1", nil)
	if resp := vmInventory(t, ds); resp.Error != nil || len(resp.Frames) == 0 {
		t.Fatalf("query: %+v", resp)
	}
}

// withRelay is a data source instance on the vCenter at vc with the alert relay at relayURL and
// the extra settings given, disposed when the test ends.
func withRelay(t *testing.T, vc, relayURL string, extra map[string]any) *Datasource {
	t.Helper()
	s := settings(vc, "")
	var j map[string]any
	_ = json.Unmarshal(s.JSONData, &j)
	j["relayUrl"] = relayURL
	for k, v := range extra {
		j[k] = v
	}
	s.JSONData, _ = json.Marshal(j)
	s.DecryptedSecureJSONData["relayToken"] = "relay-token-for-tests"
	inst, err := NewDatasource(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	ds, ok := inst.(*Datasource)
	if !ok {
		t.Fatalf("instance %T", inst)
	}
	t.Cleanup(ds.Dispose)
	return ds
}

// vmInventory runs one inventory query of the VMs, which builds the inventory.
func vmInventory(t *testing.T, ds *Datasource) backend.DataResponse {
	t.Helper()
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
		RefID: "A", QueryType: "inventory", JSON: []byte(`{"queryType":"inventory","entity":"vms","refId":"A"}`),
		TimeRange: backend.TimeRange{From: time.Now().Add(-time.Hour), To: time.Now()},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Responses["A"]
}
