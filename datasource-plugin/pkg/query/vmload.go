package query

import (
	"context"
	"fmt"
	"math"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
)

// VM load stat keys of the vCenter adapter (VMware's vCenter adapter metric reference for
// virtual machines): what a VM takes from its host, in the host's own units, so that it can be
// added to a host's usage (migrate options, docs/contracts.md §3 "Clone and migrate").
const (
	// VMCPUUsageMHzKey is "CPU|Usage (MHz)".
	VMCPUUsageMHzKey = "cpu|usagemhz_average"
	// VMMemConsumedKey is "Memory|Consumed (KB)": host machine memory the VM consumes.
	VMMemConsumedKey = "mem|consumed_average"
)

// VMLoad is a VM's latest CPU use in MHz and consumed memory in bytes; nil when vROps has no value.
type VMLoad struct {
	CPUUsageMHz      *float64 `json:"cpuUsageMHz,omitempty"`
	MemoryUsageBytes *int64   `json:"memoryUsageBytes,omitempty"`
}

// VMLoadLatest reads the latest load of one VM from vROps in one latest-values call. found is
// false when vROps does not know the VM (yet).
func VMLoadLatest(ctx context.Context, d *Deps, vm *inventory.VM) (load VMLoad, found bool, err error) {
	if d.Stats == nil {
		return VMLoad{}, false, fmt.Errorf("%w: vROps is not configured for this data source", models.ErrNotConfigured)
	}
	ctx, cancel := context.WithTimeout(ctx, hostUsageBudget)
	defer cancel()
	ids, err := vropsIDs(ctx, d, []string{vm.ID})
	if err != nil {
		return VMLoad{}, false, err
	}
	vid := ids.ToVrops[vm.ID]
	if vid == "" {
		return VMLoad{}, false, nil
	}
	stats, err := FetchLatest(ctx, d.Stats, []Target{{Moref: vm.ID, VropsID: vid, Name: vm.Name}}, []string{VMCPUUsageMHzKey, VMMemConsumedKey})
	if err != nil {
		return VMLoad{}, true, err
	}
	for _, s := range stats[vid] {
		v, ok := newest(s)
		if !ok {
			continue
		}
		switch s.StatKey.Key {
		case VMCPUUsageMHzKey:
			load.CPUUsageMHz = &v
		case VMMemConsumedKey:
			b := int64(math.Round(v * 1024)) // vROps KB are KiB
			load.MemoryUsageBytes = &b
		}
	}
	return load, true, nil
}
