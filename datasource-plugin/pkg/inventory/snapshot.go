package inventory

import (
	"sort"
	"strings"
	"time"
)

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
	// GuestOS is vCenter's guest_OS id ("UBUNTU_64"); GuestName is the name people read
	// ("Ubuntu Linux (64-bit)") and IP the guest's primary address, both from vROps when it has
	// them (guest.go); empty when unknown.
	GuestOS   string `json:"guestOS,omitempty"`
	GuestName string `json:"guestName,omitempty"`
	IP        string `json:"ip,omitempty"`
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
	// unplaced are VMs moved through the resource API since the build, whose folder and resource
	// pool are unknown (containers.go); shared between snapshots and never written after creation.
	unplaced map[string]bool
	// from is the built snapshot this one was derived from by VM updates (nil when built).
	from *Snapshot
}

// origin is the built snapshot behind s: VM updates keep the objects that per-snapshot
// data such as datastore host counts are fetched for.
func (s *Snapshot) origin() *Snapshot {
	if s.from != nil {
		return s.from
	}
	return s
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
