// Package resources serves the data source's resource API (docs/contracts.md §3) through the SDK's
// httpadapter: paged inventory, VM detail, create-form options, VM mutations with role checks,
// validation before any upstream call and an audit event for every mutation, and forwarding of
// audit and subscriptions to the alert relay.
package resources

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
)

// CreateRequest is the POST vms body.
type CreateRequest struct {
	Name           string           `json:"name"`
	GuestOS        string           `json:"guestOS"`
	CPUCount       int              `json:"cpuCount"`
	CoresPerSocket int              `json:"coresPerSocket,omitempty"`
	MemoryMiB      int64            `json:"memoryMiB"`
	DiskGiB        int64            `json:"diskGiB,omitempty"`
	Network        string           `json:"network,omitempty"`
	Placement      PlacementRequest `json:"placement"`
}

// PlacementRequest is where a new VM goes: a VM folder, a datastore and a cluster, host or pool.
type PlacementRequest struct {
	Folder       string `json:"folder"`
	Cluster      string `json:"cluster,omitempty"`
	Host         string `json:"host,omitempty"`
	ResourcePool string `json:"resourcePool,omitempty"`
	Datastore    string `json:"datastore"`
}

// HardwarePatch is the PATCH vms/{id}/hardware body.
type HardwarePatch struct {
	CPUCount  *int   `json:"cpuCount,omitempty"`
	MemoryMiB *int64 `json:"memoryMiB,omitempty"`
}

// PowerRequest is the POST vms/{id}/power body.
type PowerRequest struct {
	Action string `json:"action"`
}

// DeleteRequest is the DELETE vms/{id} body.
type DeleteRequest struct {
	ConfirmName string `json:"confirmName"`
}

var guestOSPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,63}$`)

var invalid = vmrules.Invalid

// ValidateName checks a VM name against vCenter's rules.
func ValidateName(name string) error {
	if strings.TrimSpace(name) == "" {
		return invalid("the VM name is empty")
	}
	if name != strings.TrimSpace(name) {
		return invalid("the VM name must not start or end with spaces")
	}
	if len([]rune(name)) > vmrules.MaxNameLen {
		return invalid("the VM name has %d characters; vCenter allows at most %d", len([]rune(name)), vmrules.MaxNameLen)
	}
	for _, r := range name {
		if unicode.IsControl(r) || strings.ContainsRune(`/\%`, r) {
			return invalid("the VM name must not contain %q (vCenter escapes / \\ and %% in names)", r)
		}
	}
	return nil
}

// ValidateCreate checks a create request against the rules and the cached inventory; nothing is
// sent to vCenter when it fails.
func ValidateCreate(req *CreateRequest, s *inventory.Snapshot) error {
	if err := ValidateName(req.Name); err != nil {
		return err
	}
	if !guestOSPattern.MatchString(req.GuestOS) {
		return invalid("guest OS %q is not a vCenter guest OS id such as UBUNTU_64", req.GuestOS)
	}
	if err := vmrules.ValidateCPU(req.CPUCount); err != nil {
		return err
	}
	if req.CoresPerSocket < 0 || (req.CoresPerSocket > 0 && req.CPUCount%req.CoresPerSocket != 0) {
		return invalid("cores per socket %d must divide the CPU count %d", req.CoresPerSocket, req.CPUCount)
	}
	if err := vmrules.ValidateMemory(req.MemoryMiB); err != nil {
		return err
	}
	if req.DiskGiB < 0 || req.DiskGiB > vmrules.MaxDiskGiB {
		return invalid("disk size %d GiB is out of range: choose 1 to %d GiB, or leave it empty", req.DiskGiB, vmrules.MaxDiskGiB)
	}
	p := req.Placement
	if p.Folder == "" || !hasFolder(s, p.Folder) {
		return invalid("placement folder %q is not a VM folder of this vCenter", p.Folder)
	}
	if p.Cluster == "" && p.Host == "" && p.ResourcePool == "" {
		return invalid("choose a cluster, a host or a resource pool for the new VM")
	}
	if p.Cluster != "" && s.Cluster(p.Cluster) == nil {
		return invalid("placement cluster %q does not exist", p.Cluster)
	}
	if p.Host != "" {
		h := s.Host(p.Host)
		if h == nil {
			return invalid("placement host %q does not exist", p.Host)
		}
		if p.Cluster != "" && h.Cluster != p.Cluster {
			return invalid("host %s is not in cluster %s", s.Name(p.Host), s.Name(p.Cluster))
		}
	}
	if p.ResourcePool != "" {
		var pool *inventory.ResourcePool
		for _, rp := range s.ResourcePools {
			if rp.ID == p.ResourcePool {
				pool = rp
			}
		}
		if pool == nil {
			return invalid("placement resource pool %q does not exist", p.ResourcePool)
		}
		if p.Cluster != "" && pool.Cluster != p.Cluster {
			return invalid("resource pool %s is not in cluster %s", pool.Name, s.Name(p.Cluster))
		}
	}
	if p.Datastore == "" || !hasDatastore(s, p.Datastore) {
		return invalid("placement datastore %q does not exist", p.Datastore)
	}
	if req.Network != "" && !hasNetwork(s, req.Network) {
		return invalid("network %q does not exist", req.Network)
	}
	if err := sameDatacenter(req, s); err != nil {
		return err
	}
	return nameTaken(s, req.Name)
}

func hasFolder(s *inventory.Snapshot, id string) bool {
	for _, f := range s.Folders {
		if f.ID == id && f.Type == "VIRTUAL_MACHINE" {
			return true
		}
	}
	return false
}

func hasDatastore(s *inventory.Snapshot, id string) bool {
	for _, d := range s.Datastores {
		if d.ID == id {
			return true
		}
	}
	return false
}

func hasNetwork(s *inventory.Snapshot, id string) bool {
	for _, n := range s.Networks {
		if n.ID == id {
			return true
		}
	}
	return false
}

// sameDatacenter refuses placements that span datacenters, which vCenter rejects.
func sameDatacenter(req *CreateRequest, s *inventory.Snapshot) error {
	p := req.Placement
	dcOf := map[string]string{}
	for _, f := range s.Folders {
		dcOf[f.ID] = f.Datacenter
	}
	for _, c := range s.Clusters {
		dcOf[c.ID] = c.Datacenter
	}
	for _, h := range s.Hosts {
		dcOf[h.ID] = h.Datacenter
	}
	for _, rp := range s.ResourcePools {
		dcOf[rp.ID] = rp.Datacenter
	}
	want := dcOf[p.Folder]
	for _, id := range []string{p.Cluster, p.Host, p.ResourcePool} {
		if id != "" && dcOf[id] != "" && want != "" && dcOf[id] != want {
			return invalid("folder %s is in datacenter %s but %s is in %s: choose placement in one datacenter", s.Name(p.Folder), s.Name(want), s.Name(id), s.Name(dcOf[id]))
		}
	}
	return nil
}
