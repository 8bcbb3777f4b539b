package inventory

import (
	"context"
	"sync"

	"github.com/privatecloud/vsphere/pkg/vcenter"
	"golang.org/x/sync/errgroup"
)

// builder holds one build's shared state: the snapshot being filled and the lock its appends take.
type builder struct {
	s  *Snapshot
	mu sync.Mutex
}

// wave is one round of list calls that run with bounded concurrency.
func wave(ctx context.Context) (*errgroup.Group, context.Context) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(listConcurrency)
	return g, gctx
}

// listInto runs one list call in the wave and hands every item to add under the build's lock.
func listInto[T any](b *builder, g *errgroup.Group, list func() ([]T, error), add func(T)) {
	g.Go(func() error {
		items, err := list()
		if err != nil {
			return err
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, it := range items {
			add(it)
		}
		return nil
	})
}

// Build lists everything per datacenter, hosts per cluster and VMs per host, with bounded
// concurrency. Calls: 1 + per datacenter (clusters, hosts, datastores, networks, folders) +
// per cluster (hosts, pools) + per host (VMs). The VMs of each VM folder and resource pool are
// listed later, when a VM page first needs them (containers.go).
func Build(ctx context.Context, vc VCenter) (*Snapshot, error) {
	dcs, err := vc.ListDatacenters(ctx, nil)
	if err != nil {
		return nil, err
	}
	b := &builder{s: &Snapshot{}}
	s := b.s

	// First wave: the objects of each datacenter.
	g, gctx := wave(ctx)
	for _, dc := range dcs {
		dcID := dc.Datacenter
		s.Datacenters = append(s.Datacenters, &Object{ID: dcID, Name: dc.Name})
		f := vcenter.ListFilter{"datacenters": {dcID}}
		obj := func(id, name string) Object { return Object{ID: id, Name: name, Datacenter: dcID} }
		listInto(b, g, func() ([]vcenter.Cluster, error) { return vc.ListClusters(gctx, f) }, func(c vcenter.Cluster) {
			s.Clusters = append(s.Clusters, &Cluster{Object: obj(c.Cluster, c.Name), HAEnabled: c.HAEnabled, DRSEnabled: c.DRSEnabled})
		})
		listInto(b, g, func() ([]vcenter.Host, error) { return vc.ListHosts(gctx, f) }, func(h vcenter.Host) {
			s.Hosts = append(s.Hosts, &Host{Object: obj(h.Host, h.Name), ConnectionState: h.ConnectionState, PowerState: h.PowerState})
		})
		listInto(b, g, func() ([]vcenter.Datastore, error) { return vc.ListDatastores(gctx, f) }, func(d vcenter.Datastore) {
			s.Datastores = append(s.Datastores, &Datastore{Object: obj(d.Datastore, d.Name), Type: d.Type, CapacityBytes: d.Capacity, FreeBytes: d.FreeSpace})
		})
		listInto(b, g, func() ([]vcenter.Network, error) { return vc.ListNetworks(gctx, f) }, func(n vcenter.Network) {
			s.Networks = append(s.Networks, &Network{Object: obj(n.Network, n.Name), Type: n.Type})
		})
		listInto(b, g, func() ([]vcenter.Folder, error) { return vc.ListFolders(gctx, f) }, func(fo vcenter.Folder) {
			s.Folders = append(s.Folders, &Folder{Object: obj(fo.Folder, fo.Name), Type: fo.Type})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	// Second wave: host → cluster and pool → cluster through filtered lists.
	hostCluster := map[string]string{}
	g, gctx = wave(ctx)
	for _, cl := range s.Clusters {
		f := vcenter.ListFilter{"clusters": {cl.ID}}
		listInto(b, g, func() ([]vcenter.Host, error) { return vc.ListHosts(gctx, f) }, func(h vcenter.Host) { hostCluster[h.Host] = cl.ID })
		listInto(b, g, func() ([]vcenter.ResourcePool, error) { return vc.ListResourcePools(gctx, f) }, func(p vcenter.ResourcePool) {
			s.ResourcePools = append(s.ResourcePools, &ResourcePool{Object: Object{ID: p.ResourcePool, Name: p.Name, Datacenter: cl.Datacenter}, Cluster: cl.ID})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, h := range s.Hosts {
		h.Cluster = hostCluster[h.ID]
	}

	// Third wave: VMs host by host.
	g, gctx = wave(ctx)
	for _, h := range s.Hosts {
		listInto(b, g, func() ([]vcenter.VMSummary, error) {
			return listVMsSplit(gctx, vc, vcenter.ListFilter{"hosts": {h.ID}})
		}, func(v vcenter.VMSummary) {
			s.VMs = append(s.VMs, vmFromSummary(v, h))
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sortByName(s)
	s.index()
	return s, nil
}

func vmFromSummary(v vcenter.VMSummary, h *Host) *VM {
	return &VM{Object: Object{ID: v.VM, Name: v.Name, Datacenter: h.Datacenter}, PowerState: v.PowerState, CPUCount: v.CPUCount, MemoryMiB: v.MemoryMiB, Host: h.ID, Cluster: h.Cluster}
}
