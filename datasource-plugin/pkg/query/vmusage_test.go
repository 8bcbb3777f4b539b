package query

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/privatecloud/vsphere/pkg/internal/vropstest"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
)

func TestVMUsageLatestBulkPer1000(t *testing.T) {
	fv := &vropstest.Usage{Known: map[string]string{}, Values: map[string]map[string][]float64{}}
	var vms []*inventory.VM
	for i := 0; i < 2500; i++ {
		id := fmt.Sprintf("vm-%d", i)
		vms = append(vms, &inventory.VM{Object: inventory.Object{ID: id, Name: id}})
		if i == 2499 {
			continue // unknown to vROps
		}
		fv.Known[id] = "r" + id
		fv.Values["r"+id] = map[string][]float64{VMCPUUsageKey: {float64(i % 100), 1}}
	}
	fv.Values["rvm-7"][VMMemUsageKey] = []float64{55.5}
	d := &Deps{Inventory: inventory.NewCache(nil, fv, 0), Stats: fv}
	got, err := VMUsageLatest(context.Background(), d, vms)
	if err != nil {
		t.Fatal(err)
	}
	latest := fv.LatestCalls()
	if len(latest) != 3 {
		t.Fatalf("%d latest calls for 2,500 VMs, want 3", len(latest))
	}
	for _, ids := range latest {
		if len(ids) > ChunkSize {
			t.Fatalf("a call with %d ids", len(ids))
		}
	}
	u := got["vm-7"]
	if u.CPUUsagePercent == nil || *u.CPUUsagePercent != 7 || u.MemUsagePercent == nil || *u.MemUsagePercent != 55.5 {
		t.Fatalf("vm-7 usage %+v", u)
	}
	if u := got["vm-8"]; u.MemUsagePercent != nil || u.CPUUsagePercent == nil {
		t.Fatalf("vm-8 usage %+v", u)
	}
	if _, ok := got["vm-2499"]; ok || len(got) != 2499 {
		t.Fatalf("%d VMs with usage; vm-2499 is unknown to vROps", len(got))
	}
}

func TestVMUsageLatestWithoutVROps(t *testing.T) {
	_, err := VMUsageLatest(context.Background(), &Deps{}, nil)
	if !errors.Is(err, models.ErrNotConfigured) {
		t.Fatalf("err %v", err)
	}
}
