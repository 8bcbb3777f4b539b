package query

import (
	"context"
	"fmt"
	"time"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
)

// VM usage stat keys of the vCenter adapter: "CPU|Usage (%)" and "Memory|Usage (%)" (the share of
// the VM's configured CPU and memory in use), the same keys the alert rules watch.
const (
	VMCPUUsageKey = "cpu|usage_average"
	VMMemUsageKey = "mem|usage_average"
)

// vmUsageBudget bounds how long a VM list sorted by usage waits for vROps.
const vmUsageBudget = 20 * time.Second

// VMUsage is the latest CPU and memory usage of one VM in percent; nil when vROps has no value.
type VMUsage struct {
	CPUUsagePercent *float64 `json:"cpuUsagePercent,omitempty"`
	MemUsagePercent *float64 `json:"memUsagePercent,omitempty"`
}

// VMUsageLatest reads the latest CPU and memory usage of the given VMs from vROps, with one bulk
// latest-values call per ChunkSize VMs (FetchLatest), never one call per VM. VMs that vROps does
// not know, or that have no value, are absent from the answer.
func VMUsageLatest(ctx context.Context, d *Deps, vms []*inventory.VM) (map[string]VMUsage, error) {
	if d.Stats == nil {
		return nil, fmt.Errorf("%w: vROps is not configured for this data source, so VMs cannot be sorted by CPU or memory usage", models.ErrNotConfigured)
	}
	out := make(map[string]VMUsage, len(vms))
	if len(vms) == 0 {
		return out, nil
	}
	ctx, cancel := context.WithTimeout(ctx, vmUsageBudget)
	defer cancel()
	morefs := make([]string, len(vms))
	for i, vm := range vms {
		morefs[i] = vm.ID
	}
	ids, err := vropsIDs(ctx, d, morefs)
	if err != nil {
		return nil, err
	}
	targets := make([]Target, 0, len(vms))
	for _, vm := range vms {
		if vid := ids.ToVrops[vm.ID]; vid != "" {
			targets = append(targets, Target{Moref: vm.ID, VropsID: vid, Name: vm.Name})
		}
	}
	if len(targets) == 0 {
		return out, nil
	}
	stats, err := FetchLatest(ctx, d.Stats, targets, []string{VMCPUUsageKey, VMMemUsageKey})
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		var u VMUsage
		for _, s := range stats[t.VropsID] {
			v, ok := newest(s)
			if !ok {
				continue
			}
			switch s.StatKey.Key {
			case VMCPUUsageKey:
				u.CPUUsagePercent = &v
			case VMMemUsageKey:
				u.MemUsagePercent = &v
			}
		}
		if u != (VMUsage{}) {
			out[t.Moref] = u
		}
	}
	return out, nil
}
