package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestVMListCarriesGuestOSAndIP: `GET inventory/vms` items carry the guest OS as people read it and
// the VM's IP (from vROps' latest properties, once per snapshot), not "" for every VM.
func TestVMListCarriesGuestOSAndIP(t *testing.T) {
	setup(t)
	inst := instance()
	status, raw, err := plug.Call(context.Background(), inst, viewerUser, http.MethodGet, "inventory/vms", nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("inventory/vms: %d %s %v", status, raw, err)
	}
	items, _ := decode(t, raw)["items"].([]any)
	if len(items) == 0 {
		t.Fatal("no VMs")
	}
	withIP := 0
	for _, it := range items {
		vm := it.(map[string]any)
		os, _ := vm["guestOS"].(string)
		if os == "" || strings.Contains(os, "_") || !strings.Contains(os, " ") {
			t.Fatalf("VM %v: guestOS %q is not a name people read", vm["id"], os)
		}
		if ip, _ := vm["ip"].(string); ip != "" {
			withIP++
		}
	}
	if withIP == 0 {
		t.Fatalf("no VM of %d has an IP", len(items))
	}
}
