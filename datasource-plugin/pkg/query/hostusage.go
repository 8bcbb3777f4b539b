package query

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// Host capacity and usage stat keys of the vCenter adapter (VMware's vCenter adapter metric reference). vCenter's REST
// host list has no capacity at all, so these come from vROps.
const (
	// HostCPUCapacityKey is "CPU|Provisioned Capacity (MHz)": cores × core speed, what
	// cpu|usage_average is a share of. cpu|totalCapacity_average would leave out the hypervisor's
	// reservation and so not match the usage percentage.
	HostCPUCapacityKey = "cpu|capacity_provisioned"
	// HostCPUUsageKey is "CPU|Usage (%)" of the host's total capacity.
	HostCPUUsageKey = "cpu|usage_average"
	// HostMemoryCapacityKey is "Memory|Provisioned Memory (KB)": the host's machine memory.
	// mem|host_usable would be smaller by the VMkernel's share.
	HostMemoryCapacityKey = "mem|host_provisioned"
	// HostMemoryUsageKey is "Memory|Usage (%)": consumed machine memory as a share of the total.
	HostMemoryUsageKey = "mem|usage_average"
)

// HostUsageKeys are the keys HostUsageLatest asks for, all in the same call.
var HostUsageKeys = []string{HostCPUCapacityKey, HostCPUUsageKey, HostMemoryCapacityKey, HostMemoryUsageKey}

// hostUsageBudget bounds how long a host list waits for vROps: past it the list answers without
// the figures rather than making the page wait for vROps' retries.
const hostUsageBudget = 10 * time.Second

// HostUsage is the latest CPU and memory capacity and usage of one host. A nil field had no value
// in vROps and is left out of the JSON.
type HostUsage struct {
	CPUCapacityMHz      *float64 `json:"cpuCapacityMHz,omitempty"`
	CPUUsagePct         *float64 `json:"cpuUsagePct,omitempty"`
	MemoryCapacityBytes *int64   `json:"memoryCapacityBytes,omitempty"`
	MemoryUsagePct      *float64 `json:"memoryUsagePct,omitempty"`
}

// HostUsageResult is the answer of HostUsageLatest.
type HostUsageResult struct {
	// ByHost maps host morefs to their figures; hosts without any figure are absent.
	ByHost map[string]HostUsage
	// Missing names the hosts that vROps does not know (yet), so they have no figures.
	Missing []string
}

// HostUsageLatest reads the latest capacity and usage of the given hosts from vROps in one bulk
// latest-values call (FetchLatest; a page holds at most ChunkSize hosts), never one call per host.
// The error says why there are no figures; it never concerns the hosts themselves.
func HostUsageLatest(ctx context.Context, d *Deps, hosts []*inventory.Host) (*HostUsageResult, error) {
	if d.Stats == nil {
		return nil, errNoVROps("see host CPU and memory")
	}
	if len(hosts) == 0 {
		return &HostUsageResult{ByHost: map[string]HostUsage{}}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, hostUsageBudget)
	defer cancel()
	type answer struct {
		res *HostUsageResult
		err error
	}
	// The id map is built single-flight and detached from this request, so the budget has to be
	// enforced around it, not only through the context.
	done := make(chan answer, 1)
	go func() {
		r, err := hostUsage(ctx, d, hosts)
		done <- answer{r, err}
	}()
	select {
	case a := <-done:
		return a.res, a.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: vROps did not answer within %s", models.ErrUpstream, hostUsageBudget)
	}
}

func hostUsage(ctx context.Context, d *Deps, hosts []*inventory.Host) (*HostUsageResult, error) {
	morefs := make([]string, len(hosts))
	for i, h := range hosts {
		morefs[i] = h.ID
	}
	ids, err := vropsIDs(ctx, d, morefs)
	if err != nil {
		return nil, err
	}
	res := &HostUsageResult{ByHost: make(map[string]HostUsage, len(hosts))}
	targets := make([]Target, 0, len(hosts))
	for _, h := range hosts {
		vid := ids.ToVrops[h.ID]
		if vid == "" {
			res.Missing = append(res.Missing, h.Name)
			continue
		}
		targets = append(targets, Target{Moref: h.ID, VropsID: vid, Name: h.Name})
	}
	if len(targets) == 0 {
		return res, nil
	}
	stats, err := FetchLatest(ctx, d.Stats, targets, HostUsageKeys)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		var u HostUsage
		for _, s := range stats[t.VropsID] {
			v, ok := newest(s)
			if !ok {
				continue
			}
			switch s.StatKey.Key {
			case HostCPUCapacityKey:
				u.CPUCapacityMHz = &v
			case HostCPUUsageKey:
				u.CPUUsagePct = &v
			case HostMemoryCapacityKey:
				b := int64(math.Round(v * 1024)) // vROps KB are KiB
				u.MemoryCapacityBytes = &b
			case HostMemoryUsageKey:
				u.MemoryUsagePct = &v
			}
		}
		if u != (HostUsage{}) {
			res.ByHost[t.Moref] = u
		}
	}
	return res, nil
}

// newest is the value of the latest sample of a series (samples need not be sorted).
func newest(s vrops.Stat) (float64, bool) {
	_, vals := sortedPoints(s)
	if len(vals) == 0 || math.IsNaN(vals[len(vals)-1]) || math.IsInf(vals[len(vals)-1], 0) {
		return 0, false
	}
	return vals[len(vals)-1], true
}

// MissingHostsText says which hosts have no figures because vROps does not know them.
func (r *HostUsageResult) MissingHostsText() string {
	if r == nil || len(r.Missing) == 0 {
		return ""
	}
	shown := r.Missing
	if len(shown) > 5 {
		shown = shown[:5]
	}
	more := ""
	if len(r.Missing) > len(shown) {
		more = ", …"
	}
	return fmt.Sprintf("vROps does not know %d of these hosts yet (%s%s), so they have no CPU or memory figures", len(r.Missing), strings.Join(shown, ", "), more)
}
