package resources

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/query"
)

// Sort keys of inventory/vms that order by the latest vROps usage (docs/contracts.md §3).
const (
	sortCPU    = "cpu"
	sortMemory = "memory"
)

// vmUsageTTL is how long the latest usage of all VMs is reused: vROps collects every 5 minutes,
// so a sort a few seconds old differs from a fresh one only by what changed since.
const vmUsageTTL = 30 * time.Second

// VMItem is a row of inventory/vms sorted by usage: the summary plus the latest usage figures
// (each left out when vROps has none).
type VMItem struct {
	inventory.VMSummary
	query.VMUsage
}

// usageKey sorts a percentage numerically (to 1/1000 %); an unknown figure sorts last.
func usageKey(v *float64) sortKey {
	if v == nil {
		return missingKey
	}
	return numKey(int64(math.Round(*v * 1000)))
}

// vmUsageCache keeps the latest usage of every VM of the inventory for vmUsageTTL, so paging
// through a list sorted by usage costs one bulk fetch (one vROps call per 1,000 VMs), not one
// per page. A VM the cached answer did not ask about (created since) makes it fetch again.
type vmUsageCache struct {
	mu      sync.Mutex
	fetched time.Time
	asked   map[string]bool
	usage   map[string]query.VMUsage
}

func (c *vmUsageCache) get(ctx context.Context, d *query.Deps, s *inventory.Snapshot) (map[string]query.VMUsage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.usage != nil && time.Since(c.fetched) < vmUsageTTL && c.covers(s) {
		return c.usage, nil
	}
	usage, err := query.VMUsageLatest(ctx, d, s.VMs)
	if err != nil {
		return nil, err
	}
	c.asked = make(map[string]bool, len(s.VMs))
	for _, vm := range s.VMs {
		c.asked[vm.ID] = true
	}
	c.usage, c.fetched = usage, time.Now()
	return usage, nil
}

func (c *vmUsageCache) covers(s *inventory.Snapshot) bool {
	for _, vm := range s.VMs {
		if !c.asked[vm.ID] {
			return false
		}
	}
	return true
}
