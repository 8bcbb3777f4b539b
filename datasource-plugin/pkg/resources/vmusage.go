package resources

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/query"
)

// Sort keys of inventory/vms and inventory/hosts that order by the latest vROps usage (docs/contracts.md §3).
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

// usageCache keeps the latest usage of every VM or host of the inventory (V is what the query
// answers) for vmUsageTTL, so paging through a list sorted by usage costs one bulk fetch (one
// vROps call per 1,000 objects), not one per page. An object the cached answer did not ask about
// (created since) makes it fetch again.
type usageCache[V any] struct {
	mu      sync.Mutex
	fetched time.Time
	asked   map[string]bool
	value   V
	ok      bool
}

// get answers the cached value while it is fresh and covers ids, else fetch's answer.
func (c *usageCache[V]) get(ids []string, fetch func() (V, error)) (V, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && time.Since(c.fetched) < vmUsageTTL && c.covers(ids) {
		return c.value, nil
	}
	v, err := fetch()
	if err != nil {
		var zero V
		return zero, err
	}
	c.asked = make(map[string]bool, len(ids))
	for _, id := range ids {
		c.asked[id] = true
	}
	c.value, c.fetched, c.ok = v, time.Now(), true
	return v, nil
}

func (c *usageCache[V]) covers(ids []string) bool {
	for _, id := range ids {
		if !c.asked[id] {
			return false
		}
	}
	return true
}

// vmUsageCache is the latest usage of every VM (inventory/vms?sort=cpu|memory).
type vmUsageCache struct {
	usageCache[map[string]query.VMUsage]
}

func (c *vmUsageCache) get(ctx context.Context, d *query.Deps, s *inventory.Snapshot) (map[string]query.VMUsage, error) {
	ids := make([]string, len(s.VMs))
	for i, vm := range s.VMs {
		ids[i] = vm.ID
	}
	return c.usageCache.get(ids, func() (map[string]query.VMUsage, error) { return query.VMUsageLatest(ctx, d, s.VMs) })
}

// hostUsageCache is the latest usage of every host (inventory/hosts?sort=cpu|memory).
type hostUsageCache struct {
	usageCache[*query.HostUsageResult]
}

func (c *hostUsageCache) get(ctx context.Context, d *query.Deps, s *inventory.Snapshot) (*query.HostUsageResult, error) {
	ids := make([]string, len(s.Hosts))
	for i, h := range s.Hosts {
		ids[i] = h.ID
	}
	return c.usageCache.get(ids, func() (*query.HostUsageResult, error) { return query.HostUsageLatest(ctx, d, s.Hosts) })
}
