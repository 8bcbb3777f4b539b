package vmrules

import "sort"

// Placement rules for clone and migrate (docs/contracts.md §3 "Clone and migrate"): every id
// named must exist in the inventory, a host must be in the named cluster and connected (vCenter
// refuses a relocate or clone onto a host that is not: ResourceInaccessible), a cluster needs a
// connected host, and all parts must lie in one datacenter. Parts left out keep the VM's own
// placement, as vCenter does (`VM.ClonePlacementSpec`, `VM.RelocatePlacementSpec`).

// Place is an inventory object as the placement rules see it.
type Place struct {
	Name       string
	Datacenter string
}

// PlaceHost is a host as the placement rules see it.
type PlaceHost struct {
	Place
	Cluster         string
	ConnectionState string
}

// Estate is what the placement rules need from the inventory, by id.
type Estate struct {
	Folders    map[string]Place // VM folders only
	Clusters   map[string]Place
	Hosts      map[string]PlaceHost
	Datastores map[string]Place
	// Datacenters names the datacenters by id (for messages).
	Datacenters map[string]string
}

// Target is a requested placement; empty parts are not changed.
type Target struct {
	Folder    string
	Cluster   string
	Host      string
	Datastore string
	// Disks is a migrate's per-disk placement, disk key → datastore id (CheckDiskPlacement).
	Disks map[string]string
}

// VMPlace is where a VM is now.
type VMPlace struct {
	ID         string
	Name       string
	Host       string
	Datacenter string
}

func (e Estate) name(id string) string {
	for _, m := range []map[string]Place{e.Folders, e.Clusters, e.Datastores} {
		if p, ok := m[id]; ok && p.Name != "" {
			return p.Name
		}
	}
	if h, ok := e.Hosts[id]; ok && h.Name != "" {
		return h.Name
	}
	if n := e.Datacenters[id]; n != "" {
		return n
	}
	return id
}

// checkTarget applies the shared rules; dc is the datacenter of the parts left out (the VM's).
func checkTarget(t Target, dc string, e Estate) error {
	type part struct{ id, dc string }
	var parts []part
	if t.Folder != "" {
		f, ok := e.Folders[t.Folder]
		if !ok {
			return Invalid("folder %q is not a VM folder of this vCenter", t.Folder)
		}
		parts = append(parts, part{t.Folder, f.Datacenter})
	}
	if t.Cluster != "" {
		c, ok := e.Clusters[t.Cluster]
		if !ok {
			return Invalid("cluster %q does not exist", t.Cluster)
		}
		parts = append(parts, part{t.Cluster, c.Datacenter})
	}
	if t.Host != "" {
		h, ok := e.Hosts[t.Host]
		if !ok {
			return Invalid("host %q does not exist", t.Host)
		}
		if t.Cluster != "" && h.Cluster != t.Cluster {
			return Invalid("host %s is not in cluster %s", e.name(t.Host), e.name(t.Cluster))
		}
		if h.ConnectionState != "CONNECTED" {
			return Invalid("host %s is %s: choose a connected host", e.name(t.Host), PowerStateText(orUnknown(h.ConnectionState)))
		}
		parts = append(parts, part{t.Host, h.Datacenter})
	} else if t.Cluster != "" && !hasConnectedHost(t.Cluster, e) {
		return Invalid("cluster %s has no connected host", e.name(t.Cluster))
	}
	if t.Datastore != "" {
		d, ok := e.Datastores[t.Datastore]
		if !ok {
			return Invalid("datastore %q does not exist", t.Datastore)
		}
		parts = append(parts, part{t.Datastore, d.Datacenter})
	}
	for _, p := range parts {
		if p.dc != "" && dc != "" && p.dc != dc {
			return Invalid("%s is in datacenter %s but the VM's placement is in %s: choose placement in one datacenter", e.name(p.id), e.name(p.dc), e.name(dc))
		}
		if dc == "" {
			dc = p.dc
		}
	}
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "in an unknown state"
	}
	return s
}

func hasConnectedHost(cluster string, e Estate) bool {
	for _, h := range e.Hosts {
		if h.Cluster == cluster && h.ConnectionState == "CONNECTED" {
			return true
		}
	}
	return false
}

// CheckClonePlacement checks where a clone of src goes; parts left out are the source's.
func CheckClonePlacement(src VMPlace, t Target, e Estate) error {
	return checkTarget(t, src.Datacenter, e)
}

// CheckMigrate checks a move of vm (host, cluster and/or datastore; folders do not move here):
// something must be named and something must change.
func CheckMigrate(vm VMPlace, t Target, e Estate) error {
	if t.Host == "" && t.Cluster == "" && t.Datastore == "" && len(t.Disks) == 0 {
		return Invalid("choose a target host, cluster or datastore for VM %s, or datastores for its disks", vm.Name)
	}
	if t.Folder != "" {
		return Invalid("a migration does not move VMs between folders")
	}
	if err := checkTarget(t, vm.Datacenter, e); err != nil {
		return err
	}
	if t.Host != "" && t.Host == vm.Host && t.Datastore == "" && len(t.Disks) == 0 {
		return Invalid("VM %s already runs on host %s: choose another host or a datastore", vm.Name, e.name(t.Host))
	}
	return nil
}

// ConnectedHostsOf lists a cluster's connected hosts by id, for finding where vCenter put a VM.
func ConnectedHostsOf(cluster string, e Estate) []string {
	var out []string
	for id, h := range e.Hosts {
		if h.Cluster == cluster && h.ConnectionState == "CONNECTED" {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}
