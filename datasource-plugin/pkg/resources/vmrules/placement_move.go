package vmrules

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Migrate options and per-disk placement (docs/contracts.md §3 "Clone and migrate"): which hosts
// a VM can move to, whether its disks fit a datastore, the expected host usage after the move,
// and the checks of a per-disk placement (`VM.RelocateSpec.disks`, vSphere API 7.0.0.0) before
// vCenter is called.

// DiskPlace is one of a VM's virtual disks: its key (vCenter's disk id, "2000"), the datastore
// that holds it ("" when unknown) and its size.
type DiskPlace struct {
	Key           string
	Datastore     string
	CapacityBytes int64
}

// HostVerdict says whether vm can move to host hostID, and in words why not: not the VM's own
// host, in the VM's datacenter, and connected (vCenter refuses a relocate onto a host that is not:
// ResourceInaccessible).
func HostVerdict(vm VMPlace, hostID string, e Estate) (bool, string) {
	h, ok := e.Hosts[hostID]
	if !ok {
		return false, "not in this vCenter's inventory"
	}
	if hostID == vm.Host {
		return false, "current host"
	}
	if h.Datacenter != "" && vm.Datacenter != "" && h.Datacenter != vm.Datacenter {
		return false, fmt.Sprintf("in datacenter %s; the VM is in %s", e.name(h.Datacenter), e.name(vm.Datacenter))
	}
	if h.ConnectionState != "CONNECTED" {
		return false, ConnectionStateText(h.ConnectionState)
	}
	return true, ""
}

// ConnectionStateText is a host's connection state in words.
func ConnectionStateText(cs string) string {
	switch cs {
	case "CONNECTED":
		return "connected"
	case "DISCONNECTED":
		return "disconnected"
	case "NOT_RESPONDING":
		return "not responding"
	case "":
		return "connection state unknown"
	}
	return PowerStateText(cs)
}

// SpaceNeeded is how many bytes a datastore needs free to take the VM's disks: disks already on
// it need none.
func SpaceNeeded(disks []DiskPlace, datastore string) int64 {
	var n int64
	for _, d := range disks {
		if d.Datastore != datastore {
			n += d.CapacityBytes
		}
	}
	return n
}

// DatastoreFit says whether the VM's disks fit a datastore with free bytes free, and in words
// why not. vCenter checks the disks' full capacity (thin disks included), so this does too.
func DatastoreFit(disks []DiskPlace, datastore string, free int64) (bool, string) {
	need := SpaceNeeded(disks, datastore)
	if need <= free {
		return true, ""
	}
	return false, fmt.Sprintf("needs %s free for the VM's disks; %s free", BytesText(need), BytesText(free))
}

// BytesText is a size in binary units as people read it ("40 GiB", "12.5 GiB").
func BytesText(b int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	v := float64(b)
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + units[i]
}

// AfterMovePct is a host's expected usage in percent after a VM moves onto it: the host's latest
// usage (hostPct of capacity) plus the VM's latest usage (vmUsage, in capacity's unit: MHz for
// CPU, bytes for memory), over the capacity, rounded to 0.1 %. It can exceed 100: the move would
// then overcommit the host. ok is false without a usable capacity or usage.
func AfterMovePct(hostPct, capacity, vmUsage float64) (float64, bool) {
	if capacity <= 0 || hostPct < 0 || vmUsage < 0 || math.IsNaN(hostPct+capacity+vmUsage) || math.IsInf(hostPct+capacity+vmUsage, 0) {
		return 0, false
	}
	used := hostPct / 100 * capacity
	return math.Round((used+vmUsage)/capacity*1000) / 10, true
}

// CheckDiskPlacement checks a per-disk placement (disk key → datastore id) against the VM's disks
// and the inventory: every key is one of the VM's disks, every datastore exists and lies in the
// VM's datacenter. Space is left to vCenter, whose free-space figure is current.
func CheckDiskPlacement(vm VMPlace, disks []DiskPlace, want map[string]string, e Estate) error {
	known := map[string]bool{}
	keys := make([]string, 0, len(disks))
	for _, d := range disks {
		known[d.Key] = true
		keys = append(keys, d.Key)
	}
	sort.Strings(keys)
	asked := make([]string, 0, len(want))
	for k := range want {
		asked = append(asked, k)
	}
	sort.Strings(asked)
	for _, k := range asked {
		if !known[k] {
			if len(keys) == 0 {
				return Invalid("VM %s has no disk %q: it has no virtual disks", vm.Name, k)
			}
			return Invalid("VM %s has no disk %q; its disks are %s", vm.Name, k, strings.Join(keys, ", "))
		}
		ds := want[k]
		if ds == "" {
			return Invalid("disk %s: name the datastore it moves to", k)
		}
		d, ok := e.Datastores[ds]
		if !ok {
			return Invalid("datastore %q for disk %s does not exist", ds, k)
		}
		if d.Datacenter != "" && vm.Datacenter != "" && d.Datacenter != vm.Datacenter {
			return Invalid("datastore %s for disk %s is in datacenter %s but the VM is in %s: choose a datastore in the VM's datacenter",
				e.name(ds), k, e.name(d.Datacenter), e.name(vm.Datacenter))
		}
	}
	return nil
}

// VmdkDatastoreName is the datastore name of a disk's backing file path, "[vsan-a] web-01/web-01.vmdk"
// → "vsan-a" (vSphere datastore path syntax); "" when the path has no such prefix.
func VmdkDatastoreName(path string) string {
	if !strings.HasPrefix(path, "[") {
		return ""
	}
	end := strings.Index(path, "]")
	if end < 1 {
		return ""
	}
	return path[1:end]
}
