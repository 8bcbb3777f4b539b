// Package inventory keeps a cached, single-flight view of the vCenter objects and the vCenter id ⇄
// vROps id map. The VM list is built host by host (GET /api/vcenter/vm?hosts=…) because a VM's
// host and cluster are only visible through filtered lists, and because it keeps every list far
// below vCenter's 4,000-result cap, so 10,000-VM estates work.
package inventory

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/singleflight"
)

// listConcurrency bounds parallel list calls to vCenter so a rebuild cannot flood it.
const listConcurrency = 8

// VCenter is what the inventory needs from the vCenter client.
type VCenter interface {
	ListVMs(ctx context.Context, f vcenter.ListFilter) ([]vcenter.VMSummary, error)
	ListHosts(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Host, error)
	ListClusters(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Cluster, error)
	ListDatastores(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Datastore, error)
	ListNetworks(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Network, error)
	ListFolders(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Folder, error)
	ListResourcePools(ctx context.Context, f vcenter.ListFilter) ([]vcenter.ResourcePool, error)
	ListDatacenters(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Datacenter, error)
}

// VROps is what the id map and the datastore host counts need from the vROps client.
type VROps interface {
	QueryResources(ctx context.Context, kinds []string) ([]vrops.Resource, error)
	BulkRelationships(ctx context.Context, relationshipType string, ids []string) ([]vrops.Relation, error)
}

// Object is the common part of every inventory object.
type Object struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Datacenter string `json:"datacenter,omitempty"`
}

// VM is a VM with its placement.
type VM struct {
	Object
	PowerState string `json:"powerState"`
	CPUCount   int    `json:"cpuCount"`
	MemoryMiB  int64  `json:"memoryMiB"`
	Host       string `json:"host"`
	Cluster    string `json:"cluster,omitempty"`
}

// Host is an ESXi host.
type Host struct {
	Object
	ConnectionState string `json:"connectionState"`
	PowerState      string `json:"powerState,omitempty"`
	Cluster         string `json:"cluster,omitempty"`
	VMCount         int    `json:"vmCount"`
}

// Cluster is a compute cluster.
type Cluster struct {
	Object
	HAEnabled  bool `json:"haEnabled"`
	DRSEnabled bool `json:"drsEnabled"`
	HostCount  int  `json:"hostCount"`
	VMCount    int  `json:"vmCount"`
}

// Datastore is shared storage.
type Datastore struct {
	Object
	Type          string `json:"type"`
	CapacityBytes int64  `json:"capacityBytes"`
	FreeBytes     int64  `json:"freeBytes"`
	// HostCount is how many hosts mount it (vROps relationships); nil when unknown. Snapshots
	// leave it nil: see Cache.DatastoreHosts and WithHostCount.
	HostCount *int `json:"hostCount,omitempty"`
}

// Network is a port group.
type Network struct {
	Object
	Type string `json:"type"`
}

// Folder is an inventory folder.
type Folder struct {
	Object
	Type string `json:"type"`
}

// ResourcePool is a resource pool with its cluster.
type ResourcePool struct {
	Object
	Cluster string `json:"cluster,omitempty"`
}

// Snapshot is one consistent view of the inventory.
type Snapshot struct {
	Built         time.Time
	Datacenters   []*Object
	Clusters      []*Cluster
	Hosts         []*Host
	VMs           []*VM
	Datastores    []*Datastore
	Networks      []*Network
	Folders       []*Folder
	ResourcePools []*ResourcePool

	names       map[string]string // any id → name
	vmByID      map[string]*VM
	hostByID    map[string]*Host
	clusterByID map[string]*Cluster
	vmByName    map[string][]*VM
}

// Name returns the display name of any object id, or the id itself when unknown.
func (s *Snapshot) Name(id string) string {
	if n, ok := s.names[id]; ok {
		return n
	}
	return id
}

// VM finds a VM by id.
func (s *Snapshot) VM(id string) *VM { return s.vmByID[id] }

// Host finds a host by id.
func (s *Snapshot) Host(id string) *Host { return s.hostByID[id] }

// Cluster finds a cluster by id.
func (s *Snapshot) Cluster(id string) *Cluster { return s.clusterByID[id] }

// ResolveVMs maps names or ids to VMs; unknown entries are returned separately.
func (s *Snapshot) ResolveVMs(refs []string) (found []*VM, unknown []string) {
	seen := map[string]bool{}
	for _, r := range refs {
		if vm := s.vmByID[r]; vm != nil {
			if !seen[vm.ID] {
				seen[vm.ID] = true
				found = append(found, vm)
			}
			continue
		}
		vms := s.vmByName[r]
		if len(vms) == 0 {
			unknown = append(unknown, r)
		}
		for _, vm := range vms {
			if !seen[vm.ID] {
				seen[vm.ID] = true
				found = append(found, vm)
			}
		}
	}
	return found, unknown
}

// ResolveID maps a name or id of any kind to ids (names may be ambiguous).
func (s *Snapshot) ResolveID(ref string) []string {
	if _, ok := s.names[ref]; ok {
		return []string{ref}
	}
	var ids []string
	for id, n := range s.names {
		if n == ref {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

func (s *Snapshot) index() {
	s.names = map[string]string{}
	s.vmByID = make(map[string]*VM, len(s.VMs))
	s.hostByID = map[string]*Host{}
	s.clusterByID = map[string]*Cluster{}
	s.vmByName = make(map[string][]*VM, len(s.VMs))
	for _, o := range s.Datacenters {
		s.names[o.ID] = o.Name
	}
	for _, o := range s.Clusters {
		s.names[o.ID] = o.Name
		s.clusterByID[o.ID] = o
	}
	for _, o := range s.Hosts {
		s.names[o.ID] = o.Name
		s.hostByID[o.ID] = o
	}
	for _, o := range s.Datastores {
		s.names[o.ID] = o.Name
	}
	for _, o := range s.Networks {
		s.names[o.ID] = o.Name
	}
	for _, o := range s.Folders {
		s.names[o.ID] = o.Name
	}
	for _, o := range s.ResourcePools {
		s.names[o.ID] = o.Name
	}
	for _, vm := range s.VMs {
		s.names[vm.ID] = vm.Name
		s.vmByID[vm.ID] = vm
		s.vmByName[vm.Name] = append(s.vmByName[vm.Name], vm)
		if h := s.hostByID[vm.Host]; h != nil {
			h.VMCount++
		}
		if c := s.clusterByID[vm.Cluster]; c != nil {
			c.VMCount++
		}
	}
	for _, h := range s.Hosts {
		if c := s.clusterByID[h.Cluster]; c != nil {
			c.HostCount++
		}
	}
}

// HostChange is a VM seen on a different host than in the previous snapshot (vMotion, DRS, HA).
type HostChange struct {
	Time     time.Time `json:"time"`
	VM       string    `json:"vm"`
	VMName   string    `json:"vmName"`
	FromHost string    `json:"fromHost"`
	ToHost   string    `json:"toHost"`
	Kind     string    `json:"kind"`
}

// IDMap maps vCenter morefs to vROps resource ids and back.
type IDMap struct {
	Built   time.Time
	ToVrops map[string]string
	ToMoref map[string]string
}

// Cache is the per-instance inventory cache.
type Cache struct {
	vc  VCenter
	vr  VROps
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	snap    *Snapshot
	idmap   *IDMap
	history []HostChange
	dsHosts *DatastoreHosts
	sf      singleflight.Group
}

// maxHistory bounds the host-change ring.
const maxHistory = 5000

// NewCache builds a cache; vr may be nil when vROps is not configured.
func NewCache(vc VCenter, vr VROps, ttl time.Duration) *Cache {
	return &Cache{vc: vc, vr: vr, ttl: ttl, now: time.Now}
}

// Invalidate forces the next Get to rebuild (after a mutation).
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
		// Detached: one caller giving up must not fail the rebuild the others wait for.
		ns, err := Build(context.WithoutCancel(ctx), c.vc)
		if err != nil {
			return nil, err
		}
		ns.Built = c.now()
		c.mu.Lock()
		c.recordHostChanges(c.snap, ns)
		c.snap = ns
		c.mu.Unlock()
		return ns, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Snapshot), nil
}

func (c *Cache) recordHostChanges(old, cur *Snapshot) {
	if old == nil {
		return
	}
	for _, vm := range cur.VMs {
		prev := old.vmByID[vm.ID]
		if prev == nil || prev.Host == vm.Host || prev.Host == "" || vm.Host == "" {
			continue
		}
		kind := "vmotion"
		if h := old.hostByID[prev.Host]; h != nil && h.ConnectionState != "CONNECTED" {
			kind = "ha"
		} else if h := cur.hostByID[prev.Host]; h != nil && h.ConnectionState != "CONNECTED" {
			kind = "ha"
		}
		c.history = append(c.history, HostChange{Time: cur.Built, VM: vm.ID, VMName: vm.Name, FromHost: prev.Host, ToHost: vm.Host, Kind: kind})
	}
	if len(c.history) > maxHistory {
		c.history = append([]HostChange(nil), c.history[len(c.history)-maxHistory:]...)
	}
}

// HostChanges returns the observed host changes (oldest first), optionally for one VM.
func (c *Cache) HostChanges(vm string) []HostChange {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []HostChange{}
	for _, h := range c.history {
		if vm == "" || h.VM == vm {
			out = append(out, h)
		}
	}
	return out
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

// Build lists everything per datacenter, hosts per cluster and VMs per host, with bounded
// concurrency. Calls: 1 + per datacenter (clusters, hosts, datastores, networks, folders) +
// per cluster (hosts, pools) + per host (VMs).
func Build(ctx context.Context, vc VCenter) (*Snapshot, error) {
	dcs, err := vc.ListDatacenters(ctx, nil)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(listConcurrency)
	for _, dc := range dcs {
		dcID := dc.Datacenter
		s.Datacenters = append(s.Datacenters, &Object{ID: dcID, Name: dc.Name})
		f := vcenter.ListFilter{"datacenters": {dcID}}
		g.Go(func() error {
			cls, err := vc.ListClusters(gctx, f)
			if err != nil {
				return err
			}
			mu.Lock()
			for _, c := range cls {
				s.Clusters = append(s.Clusters, &Cluster{Object: Object{ID: c.Cluster, Name: c.Name, Datacenter: dcID}, HAEnabled: c.HAEnabled, DRSEnabled: c.DRSEnabled})
			}
			mu.Unlock()
			return nil
		})
		g.Go(func() error {
			hs, err := vc.ListHosts(gctx, f)
			if err != nil {
				return err
			}
			mu.Lock()
			for _, h := range hs {
				s.Hosts = append(s.Hosts, &Host{Object: Object{ID: h.Host, Name: h.Name, Datacenter: dcID}, ConnectionState: h.ConnectionState, PowerState: h.PowerState})
			}
			mu.Unlock()
			return nil
		})
		g.Go(func() error {
			ds, err := vc.ListDatastores(gctx, f)
			if err != nil {
				return err
			}
			mu.Lock()
			for _, d := range ds {
				s.Datastores = append(s.Datastores, &Datastore{Object: Object{ID: d.Datastore, Name: d.Name, Datacenter: dcID}, Type: d.Type, CapacityBytes: d.Capacity, FreeBytes: d.FreeSpace})
			}
			mu.Unlock()
			return nil
		})
		g.Go(func() error {
			ns, err := vc.ListNetworks(gctx, f)
			if err != nil {
				return err
			}
			mu.Lock()
			for _, n := range ns {
				s.Networks = append(s.Networks, &Network{Object: Object{ID: n.Network, Name: n.Name, Datacenter: dcID}, Type: n.Type})
			}
			mu.Unlock()
			return nil
		})
		g.Go(func() error {
			fs, err := vc.ListFolders(gctx, f)
			if err != nil {
				return err
			}
			mu.Lock()
			for _, fo := range fs {
				s.Folders = append(s.Folders, &Folder{Object: Object{ID: fo.Folder, Name: fo.Name, Datacenter: dcID}, Type: fo.Type})
			}
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	// Second wave: host → cluster and pool → cluster through filtered lists.
	hostCluster := map[string]string{}
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(listConcurrency)
	for _, cl := range s.Clusters {
		cl := cl
		g.Go(func() error {
			hs, err := vc.ListHosts(gctx, vcenter.ListFilter{"clusters": {cl.ID}})
			if err != nil {
				return err
			}
			mu.Lock()
			for _, h := range hs {
				hostCluster[h.Host] = cl.ID
			}
			mu.Unlock()
			return nil
		})
		g.Go(func() error {
			ps, err := vc.ListResourcePools(gctx, vcenter.ListFilter{"clusters": {cl.ID}})
			if err != nil {
				return err
			}
			mu.Lock()
			for _, p := range ps {
				s.ResourcePools = append(s.ResourcePools, &ResourcePool{Object: Object{ID: p.ResourcePool, Name: p.Name, Datacenter: cl.Datacenter}, Cluster: cl.ID})
			}
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, h := range s.Hosts {
		h.Cluster = hostCluster[h.ID]
	}

	// Third wave: VMs host by host.
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(listConcurrency)
	for _, h := range s.Hosts {
		h := h
		g.Go(func() error {
			vms, err := vc.ListVMs(gctx, vcenter.ListFilter{"hosts": {h.ID}})
			if errors.Is(err, models.ErrTooMany) {
				// Over vCenter's 4,000 cap on one host: split further by power state.
				vms = nil
				for _, ps := range []string{"POWERED_ON", "POWERED_OFF", "SUSPENDED"} {
					part, perr := vc.ListVMs(gctx, vcenter.ListFilter{"hosts": {h.ID}, "power_states": {ps}})
					if perr != nil {
						return perr
					}
					vms = append(vms, part...)
				}
				err = nil
			}
			if err != nil {
				return err
			}
			out := make([]*VM, 0, len(vms))
			for _, v := range vms {
				out = append(out, &VM{Object: Object{ID: v.VM, Name: v.Name, Datacenter: h.Datacenter}, PowerState: v.PowerState, CPUCount: v.CPUCount, MemoryMiB: v.MemoryMiB, Host: h.ID, Cluster: h.Cluster})
			}
			mu.Lock()
			s.VMs = append(s.VMs, out...)
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sortByName(s)
	s.index()
	return s, nil
}

func less(a, b Object) bool {
	if a.Name != b.Name {
		return strings.ToLower(a.Name) < strings.ToLower(b.Name) || (strings.EqualFold(a.Name, b.Name) && a.Name < b.Name)
	}
	return a.ID < b.ID
}

func sortByName(s *Snapshot) {
	sort.Slice(s.Datacenters, func(i, j int) bool { return less(*s.Datacenters[i], *s.Datacenters[j]) })
	sort.Slice(s.Clusters, func(i, j int) bool { return less(s.Clusters[i].Object, s.Clusters[j].Object) })
	sort.Slice(s.Hosts, func(i, j int) bool { return less(s.Hosts[i].Object, s.Hosts[j].Object) })
	sort.Slice(s.VMs, func(i, j int) bool { return less(s.VMs[i].Object, s.VMs[j].Object) })
	sort.Slice(s.Datastores, func(i, j int) bool { return less(s.Datastores[i].Object, s.Datastores[j].Object) })
	sort.Slice(s.Networks, func(i, j int) bool { return less(s.Networks[i].Object, s.Networks[j].Object) })
	sort.Slice(s.Folders, func(i, j int) bool { return less(s.Folders[i].Object, s.Folders[j].Object) })
	sort.Slice(s.ResourcePools, func(i, j int) bool { return less(s.ResourcePools[i].Object, s.ResourcePools[j].Object) })
}
