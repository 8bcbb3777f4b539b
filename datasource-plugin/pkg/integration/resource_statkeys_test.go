package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/internal/resourcetest"
	"github.com/privatecloud/vsphere/pkg/query"
)

// GET statkeys/{resource} lists one VM's own stat keys from the simulator's vROps
// (GET /resources/{id}/statkeys), each with a name and a unit, for the editor's autocomplete.
func TestResourceStatKeysFromVROps(t *testing.T) {
	e := newSimEnv(t)
	viewer := backend.PluginContext{User: viewerUser}
	snap, err := e.deps.Inventory.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	vm := snap.VMs[0]
	e.resetCalls(t)
	status, body := resourcetest.Call(t, e.h, viewer, http.MethodGet, "statkeys/"+vm.Name+"?resourceKind=VirtualMachine", "")
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

	status, body = resourcetest.Call(t, e.h, viewer, http.MethodGet, "statkeys/no-such-vm?resourceKind=VirtualMachine", "")
	if status != http.StatusBadRequest || !strings.Contains(string(body), "no-such-vm") {
		t.Fatalf("unknown VM: %d %s", status, body)
	}
	status, _ = resourcetest.Call(t, e.h, viewer, http.MethodGet, "statkeys/"+vm.Name+"?resourceKind=Toaster", "")
	if status != http.StatusBadRequest {
		t.Fatalf("bad kind: %d", status)
	}
}
