package inventory

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// DatastoreHosts says how many hosts mount each datastore of one snapshot. vCenter's REST API
// has no host ⇄ datastore mapping, so the counts come from vROps: the HostSystem resources among
// a Datastore's PARENT relations (its Datacenter, folders and the like are not counted).
type DatastoreHosts struct {
	// Counts maps datastore morefs to host counts; a datastore vROps does not know is absent.
	Counts map[string]int
	// Hosts maps datastore morefs to the sorted morefs of the hosts that mount them. A datastore
	// is absent when vROps does not know it or names a host parent that maps to no moref of this
	// vCenter (a partial list would hide a host that does mount it).
	Hosts map[string][]string
	// Err says why counts are missing (nil when vROps is simply not configured).
	Err error

	snap *Snapshot
}

// Count returns the host count of a datastore, or nil when unknown.
func (h *DatastoreHosts) Count(id string) *int {
	if h == nil {
		return nil
	}
	n, ok := h.Counts[id]
	if !ok {
		return nil
	}
	return &n
}

// HostIDs returns the morefs of the hosts that mount a datastore, or nil when unknown (an empty,
// non-nil slice when vROps knows the datastore and no host mounts it).
func (h *DatastoreHosts) HostIDs(id string) []string {
	if h == nil {
		return nil
	}
	ids, ok := h.Hosts[id]
	if !ok {
		return nil
	}
	return ids
}

// WithHostCount returns a copy of the datastore with HostCount set from h (nil when unknown).
func (d *Datastore) WithHostCount(h *DatastoreHosts) *Datastore {
	cp := *d
	cp.HostCount = h.Count(d.ID)
	return &cp
}

// DatastoreHosts returns the host counts for the datastores of snapshot s, fetched once per
// snapshot with one bulk relationships call per 1,000 datastores. It never fails the caller: when
// vROps is not configured the counts are empty, and when vROps fails the error is logged, kept in
// Err for the caller to show, and not retried until the next snapshot.
func (c *Cache) DatastoreHosts(ctx context.Context, s *Snapshot) *DatastoreHosts {
	if c.vr == nil || s == nil {
		return &DatastoreHosts{snap: s}
	}
	c.mu.Lock()
	h := c.dsHosts
	c.mu.Unlock()
	if h != nil && h.snap.origin() == s.origin() {
		return h
	}
	v, _, _ := c.sf.Do(fmt.Sprintf("dshosts:%p", s.origin()), func() (any, error) {
		c.mu.Lock()
		if h := c.dsHosts; h != nil && h.snap.origin() == s.origin() {
			c.mu.Unlock()
			return h, nil
		}
		c.mu.Unlock()
		// Detached like the other single-flight builds: one caller giving up must not fail the others.
		counts, hosts, err := c.countDatastoreHosts(context.WithoutCancel(ctx), s)
		h := &DatastoreHosts{Counts: counts, Hosts: hosts, snap: s}
		if err != nil {
			h.Err = fmt.Errorf("datastore host counts are unavailable: %w", err)
			log.DefaultLogger.Warn("datastore host counts unavailable", "error", err)
		}
		c.mu.Lock()
		c.dsHosts = h
		c.mu.Unlock()
		return h, nil
	})
	return v.(*DatastoreHosts)
}

func (c *Cache) countDatastoreHosts(ctx context.Context, s *Snapshot) (map[string]int, map[string][]string, error) {
	if len(s.Datastores) == 0 {
		return map[string]int{}, map[string][]string{}, nil
	}
	ids, err := c.IDs(ctx)
	if err != nil {
		return nil, nil, err
	}
	missing := false
	for _, d := range s.Datastores {
		if ids.ToVrops[d.ID] == "" {
			missing = true
			break
		}
	}
	if missing {
		// A datastore newer than the id map: refresh it (rate-limited by RefreshIDs).
		if fresh, err := c.RefreshIDs(ctx); err == nil {
			ids = fresh
		}
	}
	asked := map[string]string{} // vROps id → moref
	rids := make([]string, 0, len(s.Datastores))
	for _, d := range s.Datastores {
		if rid := ids.ToVrops[d.ID]; rid != "" {
			asked[rid] = d.ID
			rids = append(rids, rid)
		}
	}
	counts := make(map[string]int, len(rids))
	hosts := make(map[string][]string, len(rids))
	if len(rids) == 0 {
		return counts, hosts, nil
	}
	rels, err := c.vr.BulkRelationships(ctx, "PARENT", rids)
	if err != nil {
		return nil, nil, err
	}
	unmapped := map[string]bool{} // datastore morefs with a host parent that has no moref here
	for _, moref := range asked {
		counts[moref] = 0
		hosts[moref] = []string{}
	}
	seen := map[[2]string]bool{}
	for _, r := range rels {
		key := r.Resource.ResourceKey
		if key.ResourceKindKey != "HostSystem" || (key.AdapterKindKey != "" && !strings.EqualFold(key.AdapterKindKey, "VMWARE")) {
			continue
		}
		for _, rid := range r.RelatedResources {
			moref, ok := asked[rid]
			if !ok || seen[[2]string{rid, r.Resource.Identifier}] {
				continue
			}
			seen[[2]string{rid, r.Resource.Identifier}] = true
			counts[moref]++
			if host := ids.ToMoref[r.Resource.Identifier]; host != "" {
				hosts[moref] = append(hosts[moref], host)
			} else {
				unmapped[moref] = true
			}
		}
	}
	for moref := range unmapped {
		delete(hosts, moref)
	}
	for _, list := range hosts {
		sort.Strings(list)
	}
	return counts, hosts, nil
}
