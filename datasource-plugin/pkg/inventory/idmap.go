package inventory

import (
	"context"
	"fmt"
	"time"
)

// IDMap maps vCenter morefs to vROps resource ids and back.
type IDMap struct {
	Built   time.Time
	ToVrops map[string]string
	ToMoref map[string]string
}

// vropsKinds are the vROps resource kinds the map covers.
var vropsKinds = []string{"VirtualMachine", "HostSystem", "ClusterComputeResource", "Datastore"}

// minIDMapAge is how old the id map must be before a lookup miss forces a refresh, so that new
// VMs get metrics soon without letting a stream of misses hammer vROps.
const minIDMapAge = 30 * time.Second

// RefreshIDs rebuilds the id map when it is older than minIDMapAge (after lookup misses).
func (c *Cache) RefreshIDs(ctx context.Context) (*IDMap, error) {
	c.mu.Lock()
	if c.idmap != nil && c.now().Sub(c.idmap.Built) >= minIDMapAge {
		c.idmap = nil
	}
	c.mu.Unlock()
	return c.IDs(ctx)
}

// IDs returns the moref ⇄ vROps id map, cached with the same TTL and built single-flight.
func (c *Cache) IDs(ctx context.Context) (*IDMap, error) {
	if c.vr == nil {
		return nil, fmt.Errorf("vROps is not configured for this data source: add its URL and credentials to query metrics")
	}
	c.mu.Lock()
	m := c.idmap
	c.mu.Unlock()
	if m != nil && c.now().Sub(m.Built) < c.ttl {
		return m, nil
	}
	v, err, _ := c.sf.Do("idmap", func() (any, error) {
		res, err := c.vr.QueryResources(context.WithoutCancel(ctx), vropsKinds)
		if err != nil {
			return nil, err
		}
		nm := &IDMap{Built: c.now(), ToVrops: make(map[string]string, len(res)), ToMoref: make(map[string]string, len(res))}
		for i := range res {
			moref := res[i].IdentifierValue("VMEntityObjectID")
			if moref == "" || res[i].Identifier == "" {
				continue
			}
			nm.ToVrops[moref] = res[i].Identifier
			nm.ToMoref[res[i].Identifier] = moref
		}
		c.mu.Lock()
		c.idmap = nm
		c.mu.Unlock()
		return nm, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*IDMap), nil
}
