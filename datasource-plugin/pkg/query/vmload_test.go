package query

import (
	"context"
	"errors"
	"testing"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
)

// VMLoadLatest: one latest-values call for the VM with the MHz and consumed-memory keys; KB are
// KiB; a VM vROps does not know is "not found", not an error.
func TestVMLoadLatest(t *testing.T) {
	fv := &fakeVROps{known: map[string]string{"vm-1": "rvm-1", "vm-2": "rvm-2"}, values: map[string]map[string][]float64{
		"rvm-1": {VMCPUUsageMHzKey: {1234.5}, VMMemConsumedKey: {2048}},
		"rvm-2": {VMCPUUsageMHzKey: {10}},
	}}
	d := &Deps{Inventory: inventory.NewCache(nil, fv, 0), Stats: fv}
	vm := func(id string) *inventory.VM { return &inventory.VM{Object: inventory.Object{ID: id, Name: id}} }
	tests := []struct {
		id         string
		found      bool
		mhz        *float64
		bytes      *int64
		wantLatest int
	}{
		{"vm-1", true, loadPtr(1234.5), loadPtr(int64(2048 * 1024)), 1},
		{"vm-2", true, loadPtr(10.0), nil, 1},
		{"vm-3", false, nil, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			fv.latest = nil
			got, found, err := VMLoadLatest(context.Background(), d, vm(tc.id))
			if err != nil || found != tc.found || len(fv.latest) != tc.wantLatest {
				t.Fatalf("found %v err %v, %d latest calls", found, err, len(fv.latest))
			}
			if !eqLoadPtr(got.CPUUsageMHz, tc.mhz) || !eqLoadPtr(got.MemoryUsageBytes, tc.bytes) {
				t.Fatalf("load %+v", got)
			}
		})
	}
	if _, _, err := VMLoadLatest(context.Background(), &Deps{}, vm("vm-1")); !errors.Is(err, models.ErrNotConfigured) {
		t.Fatalf("without vROps: %v", err)
	}
}

func loadPtr[T any](v T) *T { return &v }

func eqLoadPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
