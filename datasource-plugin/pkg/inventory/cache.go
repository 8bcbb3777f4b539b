package inventory

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Cache is the per-instance inventory cache.
type Cache struct {
	vc  VCenter
	vr  VROps
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	snap  *Snapshot
	idmap *IDMap
	// identity recognises this data source's vCenter among those vROps monitors (idmap.go).
	identity Identity
	history  []HostChange
	dsHosts  *DatastoreHosts
	guests   *VMGuests
	// containers are the VM folders' and resource pools' members, listed per datacenter on demand (containers.go).
	containers *VMContainers
	sf         singleflight.Group

	// VM updates (cow.go): pending keeps those made while a rebuild runs.
	building bool
	pending  []vmPatch

	// placed sends VM placements after builds and moves and remembers what the relay stored (placements.go).
	placed placementLedger
}

// maxHistory bounds the host-change ring.
const maxHistory = 5000

// NewCache builds a cache; vr may be nil when vROps is not configured.
func NewCache(vc VCenter, vr VROps, ttl time.Duration) *Cache {
	return &Cache{vc: vc, vr: vr, ttl: ttl, now: time.Now}
}

// Invalidate forces the next Get to rebuild (after a change whose outcome is unknown).
func (c *Cache) Invalidate() {
	c.mu.Lock()
	if c.snap != nil {
		c.snap.Built = time.Time{}
	}
	c.mu.Unlock()
}

// Get returns a fresh snapshot, rebuilding it once for all concurrent callers when it is stale.
func (c *Cache) Get(ctx context.Context) (*Snapshot, error) {
	c.mu.Lock()
	s := c.snap
	c.mu.Unlock()
	if s != nil && c.now().Sub(s.Built) < c.ttl {
		return s, nil
	}
	v, err, _ := c.sf.Do("snapshot", func() (any, error) {
		c.mu.Lock()
		c.building, c.pending = true, nil
		c.mu.Unlock()
		// Detached: one caller giving up must not fail the rebuild the others wait for.
		ns, err := Build(context.WithoutCancel(ctx), c.vc)
		c.mu.Lock()
		defer c.mu.Unlock()
		pending := c.pending
		c.building, c.pending = false, nil
		if err != nil {
			return nil, err
		}
		ns.Built = c.now()
		// VM changes made while the lists were read may be missing from them: apply them again.
		for _, p := range pending {
			ns = p.apply(ns)
		}
		c.recordHostChanges(c.snap, ns)
		c.snap = ns
		c.placed.afterBuild(placementsOf(ns, ns.VMs), ns.Built)
		return ns, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Snapshot), nil
}
