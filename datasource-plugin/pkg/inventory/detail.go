package inventory

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"sync"

	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"golang.org/x/sync/errgroup"
)

// DetailReader is what VM detail needs from vCenter.
type DetailReader interface {
	GetVM(ctx context.Context, id string) (*vcenter.VMInfo, error)
	GuestIdentity(ctx context.Context, id string) (*vcenter.GuestIdentity, error)
	GuestFilesystems(ctx context.Context, id string) (map[string]vcenter.LocalFilesystem, error)
	GuestInterfaces(ctx context.Context, id string) ([]vcenter.GuestInterface, error)
	ListVMs(ctx context.Context, f vcenter.ListFilter) ([]vcenter.VMSummary, error)
}

// VMSummary is the list form of a VM (docs/contracts.md §3).
type VMSummary struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	PowerState  string `json:"powerState"`
	CPUCount    int    `json:"cpuCount"`
	MemoryMiB   int64  `json:"memoryMiB"`
	Host        string `json:"host"`
	HostName    string `json:"hostName"`
	Cluster     string `json:"cluster"`
	ClusterName string `json:"clusterName"`
	Datacenter  string `json:"datacenter"`
	// DatacenterName is an addition to the contract's VmSummary, for display.
	DatacenterName string `json:"datacenterName"`
	GuestOS        string `json:"guestOS"`
	// GuestOSName is the guest OS as people read it ("Ubuntu Linux (64-bit)"): vROps'
	// config|guestFullName, else the name of the guest_OS id; "" (left out) when neither is known.
	// In list items GuestOS carries the same words; in VmDetail GuestOS is vCenter's id.
	GuestOSName string `json:"guestOSName,omitempty"`
	IP          string `json:"ip,omitempty"`
}

// DiskDetail is one virtual disk.
type DiskDetail struct {
	Key           string `json:"key"`
	Label         string `json:"label"`
	VmdkFile      string `json:"vmdkFile"`
	CapacityBytes int64  `json:"capacityBytes"`
}

// GuestFilesystem is one filesystem seen by VMware Tools.
type GuestFilesystem struct {
	MountPoint    string `json:"mountPoint"`
	CapacityBytes int64  `json:"capacityBytes"`
	FreeBytes     int64  `json:"freeBytes"`
}

// NICDetail is one network adapter.
type NICDetail struct {
	Key            string   `json:"key"`
	Label          string   `json:"label"`
	MacAddress     string   `json:"macAddress"`
	Network        string   `json:"network"`
	NetworkName    string   `json:"networkName"`
	State          string   `json:"state"`
	StartConnected bool     `json:"startConnected"`
	IPAddresses    []string `json:"ipAddresses"`
}

// VMDetail is the full static detail of one VM.
type VMDetail struct {
	VMSummary
	Folder              string            `json:"folder"`
	FolderName          string            `json:"folderName"`
	ResourcePool        string            `json:"resourcePool"`
	HardwareVersion     string            `json:"hardwareVersion"`
	ToolsRunning        bool              `json:"toolsRunning"`
	GuestFullName       string            `json:"guestFullName,omitempty"`
	GuestHostName       string            `json:"hostName_guest,omitempty"`
	CPUHotAddEnabled    bool              `json:"cpuHotAddEnabled"`
	CPUHotRemoveEnabled bool              `json:"cpuHotRemoveEnabled"`
	MemoryHotAddEnabled bool              `json:"memoryHotAddEnabled"`
	CoresPerSocket      int               `json:"coresPerSocket"`
	Disks               []DiskDetail      `json:"disks"`
	GuestFilesystems    []GuestFilesystem `json:"guestFilesystems"`
	NICs                []NICDetail       `json:"nics"`
}

// GuestDisplayName is the guest OS as people read it: the name the guest reports, else the name
// of the configured guest_OS id, else "".
func (vm *VM) GuestDisplayName() string {
	if vm.GuestName != "" {
		return vm.GuestName
	}
	if vm.GuestOS != "" {
		return GuestOSName(vm.GuestOS)
	}
	return ""
}

// Summary turns a cached VM into its list form.
func (s *Snapshot) Summary(vm *VM) VMSummary {
	return VMSummary{ID: vm.ID, Name: vm.Name, PowerState: vm.PowerState, CPUCount: vm.CPUCount, MemoryMiB: vm.MemoryMiB,
		Host: vm.Host, HostName: s.Name(vm.Host), Cluster: vm.Cluster, ClusterName: s.Name(vm.Cluster), Datacenter: vm.Datacenter, DatacenterName: s.Name(vm.Datacenter),
		GuestOS: vm.GuestDisplayName(), GuestOSName: vm.GuestDisplayName(), IP: vm.IP}
}

// DetailOf is the detail that one vCenter read of the VM gives, with the placement (host, cluster
// and their names) from the snapshot and folder and resource pool from the container lists made so
// far: no calls, no guest or container look-ups (those need Detail).
func (c *Cache) DetailOf(snap *Snapshot, id string, info *vcenter.VMInfo) *VMDetail {
	return detailOf(snap, c.Containers(snap), id, info)
}

func detailOf(snap *Snapshot, known *VMContainers, id string, info *vcenter.VMInfo) *VMDetail {
	d := &VMDetail{}
	d.VMSummary = VMSummary{ID: id}
	if vm := snap.lookup(id); vm != nil {
		d.VMSummary = snap.Summary(vm)
	}
	if folder, pool := known.Of(snap, id); folder != "" || pool != "" {
		d.Folder, d.ResourcePool = folder, pool
		if folder != "" {
			d.FolderName = snap.Name(folder)
		}
	}
	d.Name = info.Name
	d.PowerState = info.PowerState
	d.CPUCount = info.CPU.Count
	d.MemoryMiB = info.Memory.SizeMiB
	d.GuestOS = info.GuestOS
	if info.GuestOS != "" && d.GuestOSName == "" {
		d.GuestOSName = GuestOSName(info.GuestOS)
	}
	d.HardwareVersion = info.Hardware.Version
	d.CPUHotAddEnabled = info.CPU.HotAddEnabled
	d.CPUHotRemoveEnabled = info.CPU.HotRemoveEnabled
	d.MemoryHotAddEnabled = info.Memory.HotAddEnabled
	d.CoresPerSocket = info.CPU.CoresPerSocket
	d.Disks = []DiskDetail{}
	for _, k := range sortedKeys(info.Disks) {
		disk := info.Disks[k]
		d.Disks = append(d.Disks, DiskDetail{Key: k, Label: disk.Label, VmdkFile: disk.Backing.VmdkFile, CapacityBytes: disk.Capacity})
	}
	d.NICs = []NICDetail{}
	for _, k := range sortedKeys(info.NICs) {
		n := info.NICs[k]
		name := n.Backing.NetworkName
		if name == "" && snap != nil {
			name = snap.Name(n.Backing.Network)
		}
		d.NICs = append(d.NICs, NICDetail{Key: k, Label: n.Label, MacAddress: n.MacAddress, Network: n.Backing.Network, NetworkName: name,
			State: n.State, StartConnected: n.StartConnected, IPAddresses: []string{}})
	}
	d.GuestFilesystems = []GuestFilesystem{}
	return d
}

// Detail reads one VM's configuration and, when VMware Tools run, its guest view. Host and cluster
// come from the snapshot; folder and resource pool from the VM folders' and resource pools' lists
// of the VM's datacenter, made once per snapshot by the first VM page that needs them
// (ContainersOf, alongside the VM read). A folder or pool those lists do not know (VM created or
// moved since, a list that failed) is found with filtered lists (vms=<id>&folders=<f>), because the
// VM info has no such fields (VMware vSphere Automation API: "Get Virtual Machine" and "List
// Virtual Machines" filters). Upstream calls (docs/contracts.md §3, "What a VM page costs"): 1 for
// a VM that is not powered on; 2 for a running VM without VMware Tools (the guest identity answers
// 503); 4 with Tools (identity, then local file systems and network interfaces together); plus,
// on the first page of a datacenter after a build, one list per VM folder and resource pool there.
func (c *Cache) Detail(ctx context.Context, dr DetailReader, snap *Snapshot, id string) (*VMDetail, error) {
	return detail(ctx, dr, snap, id, func(ctx context.Context, dc string) *VMContainers { return c.ContainersOf(ctx, snap, dc) })
}

// detail is Detail with containers(dc) giving the container lists of datacenter dc.
func detail(ctx context.Context, dr DetailReader, snap *Snapshot, id string, containers func(ctx context.Context, dc string) *VMContainers) (*VMDetail, error) {
	if err := validateID(id); err != nil {
		return nil, err
	}
	var dc, cluster string
	cached := snap.lookup(id)
	if cached != nil {
		dc, cluster = cached.Datacenter, cached.Cluster
	}

	// First round trip: the VM's configuration, its guest identity alongside when the snapshot
	// says it runs (a snapshot that is behind costs one identity call answered 503, nothing more),
	// and the container lists of its datacenter unless made already.
	g, gctx := errgroup.WithContext(ctx)
	var info *vcenter.VMInfo
	var ident *vcenter.GuestIdentity
	var known *VMContainers
	early := cached != nil && cached.PowerState == "POWERED_ON"
	g.Go(func() error {
		var err error
		info, err = dr.GetVM(gctx, id)
		return err
	})
	if early {
		// 503 "tools not running" is a normal answer here, not a failure of the detail.
		g.Go(func() error { ident = tolerate(dr.GuestIdentity(gctx, id)); return nil })
	}
	if dc != "" && containers != nil {
		// Never fails: a list that fails leaves its container to the look-ups below.
		g.Go(func() error { known = containers(gctx, dc); return nil })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	folder, pool := known.Of(snap, id)
	d := detailOf(snap, known, id, info)
	if info.PowerState != "POWERED_ON" {
		ident = nil
	}

	// Then, together: the guest's file systems and network interfaces when it answers (asking its
	// identity first when the snapshot did not say it runs), and the containers the snapshot does
	// not know.
	var fss map[string]vcenter.LocalFilesystem
	var ifs []vcenter.GuestInterface
	g, gctx = errgroup.WithContext(ctx)
	if info.PowerState == "POWERED_ON" {
		g.Go(func() error {
			if !early {
				ident = tolerate(dr.GuestIdentity(gctx, id))
			}
			if ident == nil {
				return nil
			}
			var wg sync.WaitGroup
			wg.Add(2)
			go func() { defer wg.Done(); fss = tolerateMap(dr.GuestFilesystems(gctx, id)) }()
			go func() { defer wg.Done(); ifs = tolerateSlice(dr.GuestInterfaces(gctx, id)) }()
			wg.Wait()
			return nil
		})
	}
	if folder == "" {
		g.Go(func() error {
			var err error
			folder, err = findContainer(gctx, dr, id, "folders", snap.vmFolders(dc))
			return err
		})
	}
	if pool == "" {
		g.Go(func() error {
			var err error
			pool, err = findContainer(gctx, dr, id, "resource_pools", snap.poolsOf(cluster))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	d.Folder, d.FolderName, d.ResourcePool = folder, "", pool
	if folder != "" {
		d.FolderName = snap.Name(folder)
	}
	if ident != nil {
		d.ToolsRunning = true
		d.GuestFullName = ident.FullName.DefaultMessage
		d.GuestHostName = ident.HostName
		d.IP = ident.IPAddress
	}
	for _, mp := range sortedKeys(fss) {
		d.GuestFilesystems = append(d.GuestFilesystems, GuestFilesystem{MountPoint: mp, CapacityBytes: fss[mp].Capacity, FreeBytes: fss[mp].FreeSpace})
	}
	for _, gi := range ifs {
		for i := range d.NICs {
			if (gi.NIC != "" && gi.NIC == d.NICs[i].Key) || (gi.NIC == "" && gi.MacAddress != "" && gi.MacAddress == d.NICs[i].MacAddress) {
				if gi.IP != nil {
					for _, a := range gi.IP.IPAddresses {
						d.NICs[i].IPAddresses = append(d.NICs[i].IPAddresses, a.IPAddress)
					}
				}
			}
		}
	}
	return d, nil
}

// lookup is VM on a snapshot that may be nil (the resource API's Peek before the first build).
func (s *Snapshot) lookup(id string) *VM {
	if s == nil {
		return nil
	}
	return s.VM(id)
}

func tolerate(v *vcenter.GuestIdentity, err error) *vcenter.GuestIdentity {
	if err != nil {
		return nil
	}
	return v
}

func tolerateMap(v map[string]vcenter.LocalFilesystem, err error) map[string]vcenter.LocalFilesystem {
	if err != nil {
		return nil
	}
	return v
}

func tolerateSlice(v []vcenter.GuestInterface, err error) []vcenter.GuestInterface {
	if err != nil {
		return nil
	}
	return v
}

// findContainer asks, one candidate at a time, which container holds the VM. The answer to
// vms=<id> is at most one item, so no list can hit the cap. Candidates are few (folders of one
// datacenter, pools of one cluster).
func findContainer(ctx context.Context, dr DetailReader, id, filter string, candidates []string) (string, error) {
	var found []string
	for _, c := range candidates {
		vms, err := dr.ListVMs(ctx, vcenter.ListFilter{"vms": {id}, filter: {c}})
		if err != nil {
			if errors.Is(err, models.ErrNotFound) {
				continue
			}
			return "", err
		}
		if len(vms) > 0 {
			found = append(found, c)
		}
	}
	if len(found) == 0 {
		return "", nil
	}
	// A filter may match ancestors too; the last candidate in list order is the innermost one we saw.
	return found[len(found)-1], nil
}

func (s *Snapshot) vmFolders(dc string) []string {
	var out []string
	if s == nil {
		return nil
	}
	for _, f := range s.Folders {
		if f.Type == "VIRTUAL_MACHINE" && (dc == "" || f.Datacenter == dc) {
			out = append(out, f.ID)
		}
	}
	return out
}

func (s *Snapshot) poolsOf(cluster string) []string {
	var out []string
	if s == nil {
		return nil
	}
	for _, p := range s.ResourcePools {
		if cluster != "" && p.Cluster == cluster {
			out = append(out, p.ID)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, ea := strconv.Atoi(keys[i])
		b, eb := strconv.Atoi(keys[j])
		if ea == nil && eb == nil {
			return a < b
		}
		return keys[i] < keys[j]
	})
	return keys
}

// morefPattern is the shape of a VM's managed object id ("vm-1001"); the detail refuses other ids
// before they go into vCenter's URL path.
var morefPattern = regexp.MustCompile(`^[a-z]{1,32}-[a-z]?[0-9]{1,12}$`)

func validateID(id string) error {
	if !morefPattern.MatchString(id) {
		return fmt.Errorf("%w: %q is not a VM id such as vm-1001", models.ErrInvalidInput, id)
	}
	return nil
}
