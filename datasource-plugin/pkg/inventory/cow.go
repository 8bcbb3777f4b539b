package inventory

import (
	"sort"

	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// After a VM change the cache is updated in place of a rebuild (a rebuild of a 10,000-VM estate
// is ~300 upstream calls): the resource API reads the changed VM once and the cache swaps in a
// new snapshot that shares every unchanged object with the old one (copy-on-write), so readers
// holding the old snapshot keep a consistent view.

// withVMs returns a copy of s whose VM list is vms; hosts and clusters are copied so their VM
// counts can be recounted, everything else is shared.
func (s *Snapshot) withVMs(vms []*VM) *Snapshot {
	ns := &Snapshot{Built: s.Built, Datacenters: s.Datacenters, Datastores: s.Datastores, Networks: s.Networks,
		Folders: s.Folders, ResourcePools: s.ResourcePools, VMs: vms, from: s.origin(),
		unplaced: s.unplaced}
	ns.Hosts = make([]*Host, len(s.Hosts))
	for i, h := range s.Hosts {
		cp := *h
		cp.VMCount = 0
		ns.Hosts[i] = &cp
	}
	ns.Clusters = make([]*Cluster, len(s.Clusters))
	for i, c := range s.Clusters {
		cp := *c
		cp.VMCount, cp.HostCount = 0, 0
		ns.Clusters[i] = &cp
	}
	ns.index()
	return ns
}

// WithVM returns a snapshot in which vm replaces the VM of the same id, or is added in name order.
func (s *Snapshot) WithVM(vm *VM) *Snapshot {
	vms := make([]*VM, 0, len(s.VMs)+1)
	for _, v := range s.VMs {
		if v.ID != vm.ID {
			vms = append(vms, v)
		}
	}
	i := sort.Search(len(vms), func(i int) bool { return !less(vms[i].Object, vm.Object) })
	vms = append(vms, nil)
	copy(vms[i+1:], vms[i:])
	vms[i] = vm
	return s.withVMs(vms)
}

// WithoutVM returns a snapshot without the VM id.
func (s *Snapshot) WithoutVM(id string) *Snapshot {
	vms := make([]*VM, 0, len(s.VMs))
	for _, v := range s.VMs {
		if v.ID != id {
			vms = append(vms, v)
		}
	}
	return s.withVMs(vms)
}

// Applied returns the VM as one vCenter read (GET /api/vcenter/vm/{vm}) shows it; the placement
// (host, cluster, datacenter) is kept, since that read does not carry it.
func (vm VM) Applied(info *vcenter.VMInfo) *VM {
	vm.Name = info.Name
	vm.PowerState = info.PowerState
	vm.CPUCount = info.CPU.Count
	vm.MemoryMiB = info.Memory.SizeMiB
	if info.GuestOS != "" {
		vm.GuestOS = info.GuestOS
	}
	return &vm
}

// vmPatch is one VM change applied to the cached snapshot.
type vmPatch struct {
	apply func(*Snapshot) *Snapshot
}

// patch applies a change to the cached snapshot now and to a rebuild that is in flight, whose
// lists may have been read before the change.
func (c *Cache) patch(apply func(*Snapshot) *Snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.building {
		c.pending = append(c.pending, vmPatch{apply: apply})
	}
	if c.snap != nil {
		c.snap = apply(c.snap)
	}
}

// UpdateVM puts one vCenter read of an existing VM into the cached snapshot (no rebuild). A VM
// the snapshot does not hold is left to the next rebuild.
func (c *Cache) UpdateVM(id string, info *vcenter.VMInfo) {
	c.patch(func(s *Snapshot) *Snapshot {
		old := s.VM(id)
		if old == nil {
			return s
		}
		return s.WithVM(old.Applied(info))
	})
}

// AddVM puts a VM created through the resource API into the cached snapshot.
func (c *Cache) AddVM(vm VM) {
	c.patch(func(s *Snapshot) *Snapshot { cp := vm; return s.WithVM(&cp) })
}

// RemoveVM takes a deleted VM out of the cached snapshot.
func (c *Cache) RemoveVM(id string) {
	c.patch(func(s *Snapshot) *Snapshot {
		if s.VM(id) == nil {
			return s
		}
		return s.WithoutVM(id)
	})
}

// Peek returns the cached snapshot without building one (nil before the first build); for
// display names in audit events of refused requests, which must not cost upstream calls.
func (c *Cache) Peek() *Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snap
}
