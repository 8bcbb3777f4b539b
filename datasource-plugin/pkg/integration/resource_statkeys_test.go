package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/query"
)

func (e *simEnv) rawGet(t *testing.T, path, rawQuery string) (int, []byte) {
	t.Helper()
	var got *backend.CallResourceResponse
	err := e.h.CallResource(context.Background(), &backend.CallResourceRequest{
		PluginContext: backend.PluginContext{User: viewerUser}, Path: path, Method: http.MethodGet, URL: "http://grafana/?" + rawQuery,
	}, backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error { got = r; return nil }))
	if err != nil {
		t.Fatal(err)
	}
	return got.Status, got.Body
}

// GET statkeys/{resource} lists one VM's own stat keys from the simulator's vROps
// (GET /resources/{id}/statkeys), each with a name and a unit, for the editor's autocomplete.
func TestResourceStatKeysFromVROps(t *testing.T) {
	e := newSimEnv(t)
	snap, err := e.deps.Inventory.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	vm := snap.VMs[0]
	e.resetCalls(t)
	status, body := e.rawGet(t, "statkeys/"+vm.Name, "resourceKind=VirtualMachine")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var keys []query.StatKeyInfo
	if err := json.Unmarshal(body, &keys); err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("no stat keys")
	}
	byKey := map[string]query.StatKeyInfo{}
	for _, k := range keys {
		if k.Unit == "" || k.Name == "" {
			t.Fatalf("key without name or unit: %+v", k)
		}
		byKey[k.Key] = k
	}
	if byKey["cpu|usage_average"].Unit != "percent" {
		t.Fatalf("cpu|usage_average missing or without its unit: %+v", byKey["cpu|usage_average"])
	}
	if n := e.calls(t).Route("GET", "/statkeys"); n != 1 {
		t.Fatalf("%d vROps stat key calls, want 1", n)
	}

	status, body = e.rawGet(t, "statkeys/no-such-vm", "resourceKind=VirtualMachine")
	if status != http.StatusBadRequest || !strings.Contains(string(body), "no-such-vm") {
		t.Fatalf("unknown VM: %d %s", status, body)
	}
	status, _ = e.rawGet(t, "statkeys/"+vm.Name, "resourceKind=Toaster")
	if status != http.StatusBadRequest {
		t.Fatalf("bad kind: %d", status)
	}
}
