// Package resources serves the data source's resource API (docs/contracts.md §3) through the SDK's
// httpadapter: paged inventory, VM detail, create-form options, VM mutations with role checks,
// validation before any upstream call and an audit event for every mutation, and forwarding of
// audit and subscriptions to the alert relay.
package resources

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
)

// Limits we enforce before calling vCenter. MaxCPU 128 and MaxMemoryMiB 6,128,640 (≈5.8 TiB) are the
// contract's values (docs/contracts.md §3), inside what vSphere 7/8 allow per VM (768 vCPUs,
// 24 TB at hardware version 19+); memory must be a multiple of 4 MiB as vCenter requires.
const (
	MinCPU       = 1
	MaxCPU       = 128
	MinMemoryMiB = 4
	MaxMemoryMiB = 6128640
	MaxDiskGiB   = 62 * 1024 // VMFS maximum VMDK size, 62 TB
	MaxNameLen   = 80        // vCenter's limit for a VM name
)

// CreateRequest is the POST vms body.
type CreateRequest struct {
	Name           string `json:"name"`
	GuestOS        string `json:"guestOS"`
	CPUCount       int    `json:"cpuCount"`
	CoresPerSocket int    `json:"coresPerSocket,omitempty"`
	MemoryMiB      int64  `json:"memoryMiB"`
	DiskGiB        int64  `json:"diskGiB,omitempty"`
	Network        string `json:"network,omitempty"`
	Placement      struct {
		Folder       string `json:"folder"`
		Cluster      string `json:"cluster,omitempty"`
		Host         string `json:"host,omitempty"`
		ResourcePool string `json:"resourcePool,omitempty"`
		Datastore    string `json:"datastore"`
	} `json:"placement"`
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

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{models.ErrInvalidInput}, a...)...)
}

// ValidateName checks a VM name against vCenter's rules.
func ValidateName(name string) error {
	if strings.TrimSpace(name) == "" {
		return invalid("the VM name is empty")
	}
	if name != strings.TrimSpace(name) {
		return invalid("the VM name must not start or end with spaces")
	}
	if len([]rune(name)) > MaxNameLen {
		return invalid("the VM name has %d characters; vCenter allows at most %d", len([]rune(name)), MaxNameLen)
	}
	for _, r := range name {
		if unicode.IsControl(r) || strings.ContainsRune(`/\%`, r) {
			return invalid("the VM name must not contain %q (vCenter escapes / \\ and %% in names)", r)
		}
	}
	return nil
}

// ValidateCPU checks a vCPU count.
func ValidateCPU(n int) error {
	if n < MinCPU || n > MaxCPU {
		return invalid("CPU count %d is out of range: choose %d to %d", n, MinCPU, MaxCPU)
	}
	return nil
}

// ValidateMemory checks a memory size.
func ValidateMemory(m int64) error {
	if m < MinMemoryMiB || m > MaxMemoryMiB {
		return invalid("memory %d MiB is out of range: choose %d to %d MiB", m, MinMemoryMiB, MaxMemoryMiB)
	}
	if m%4 != 0 {
		return invalid("memory %d MiB is not a multiple of 4 MiB", m)
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
	if err := ValidateCPU(req.CPUCount); err != nil {
		return err
	}
	if req.CoresPerSocket < 0 || (req.CoresPerSocket > 0 && req.CPUCount%req.CoresPerSocket != 0) {
		return invalid("cores per socket %d must divide the CPU count %d", req.CoresPerSocket, req.CPUCount)
	}
	if err := ValidateMemory(req.MemoryMiB); err != nil {
		return err
	}
	if req.DiskGiB < 0 || req.DiskGiB > MaxDiskGiB {
		return invalid("disk size %d GiB is out of range: choose 1 to %d GiB, or leave it empty", req.DiskGiB, MaxDiskGiB)
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
	for _, vm := range s.VMs {
		if vm.Name == req.Name {
			return fmt.Errorf("%w: a VM named %q already exists (%s)", models.ErrConflict, req.Name, vm.ID)
		}
	}
	return nil
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

// ValidatePower checks a power action.
func ValidatePower(a string) error {
	switch a {
	case "start", "stop", "shutdown", "reboot", "reset", "suspend":
		return nil
	}
	return invalid("power action %q is unknown: use start, stop, shutdown, reboot, reset or suspend", a)
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
