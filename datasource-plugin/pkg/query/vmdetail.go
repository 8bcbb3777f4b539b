package query

import (
	"context"
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"golang.org/x/sync/errgroup"
)

// maxDetailVMs bounds one vmDetail query: each VM costs a few vCenter calls.
const maxDetailVMs = 100

func vmDetailQuery(ctx context.Context, d *Deps, q *models.Query, _ backend.DataQuery) (backend.DataResponse, error) {
	if len(q.VMs) == 0 {
		return backend.DataResponse{}, fmt.Errorf("%w: choose at least one VM by name or id", models.ErrInvalidInput)
	}
	s, err := snapshot(ctx, d)
	if err != nil {
		return backend.DataResponse{}, err
	}
	vms, unknown := s.ResolveVMs(q.VMs)
	if len(unknown) > 0 {
		return backend.DataResponse{}, fmt.Errorf("%w: no VM named or with id %s in the inventory", models.ErrInvalidInput, quoteList(unknown))
	}
	if len(vms) > maxDetailVMs {
		return backend.DataResponse{}, fmt.Errorf("%w: %d VMs selected; the detail table shows at most %d", models.ErrInvalidInput, len(vms), maxDetailVMs)
	}
	details := make([]*inventory.VMDetail, len(vms))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i, vm := range vms {
		g.Go(func() error {
			det, err := d.Inventory.Detail(gctx, d.VCenter, s, vm.ID)
			details[i] = det
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return backend.DataResponse{}, err
	}
	frames := DetailFrames(details)
	for _, f := range frames {
		f.RefID = q.RefID
	}
	return backend.DataResponse{Frames: frames}, nil
}

// DetailFrames builds the wide VM table plus the disks and NICs tables.
func DetailFrames(details []*inventory.VMDetail) data.Frames {
	vm := data.NewFrame("vms")
	col := func(name, display string, vals any) *data.Field {
		f := data.NewField(name, nil, vals)
		f.Config = &data.FieldConfig{DisplayNameFromDS: display}
		if _, counts := vals.([]int64); counts {
			f.Config.Unit = "none" // counts; sizes override it below
		}
		return f
	}
	var ids, names, power, hosts, clusters, dcs, guests, ips, folders, pools, hw, fullNames []string
	var cpus, cores, mem, fsCap, fsFree []int64
	var tools []bool
	for _, d := range details {
		ids, names, power = append(ids, d.ID), append(names, d.Name), append(power, d.PowerState)
		hosts, clusters, dcs = append(hosts, d.HostName), append(clusters, d.ClusterName), append(dcs, d.DatacenterName)
		guests, ips, folders, pools = append(guests, d.GuestOS), append(ips, d.IP), append(folders, d.FolderName), append(pools, d.ResourcePool)
		hw, fullNames = append(hw, d.HardwareVersion), append(fullNames, d.GuestFullName)
		cpus, cores, mem = append(cpus, int64(d.CPUCount)), append(cores, int64(d.CoresPerSocket)), append(mem, d.MemoryMiB)
		var c, f int64
		for _, fs := range d.GuestFilesystems {
			c, f = c+fs.CapacityBytes, f+fs.FreeBytes
		}
		fsCap, fsFree = append(fsCap, c), append(fsFree, f)
		tools = append(tools, d.ToolsRunning)
	}
	if tools == nil {
		tools = []bool{}
	}
	memF := col("memoryMiB", "Memory", nzi(mem))
	memF.Config.Unit = "mbytes"
	capF := col("guestDiskCapacityBytes", "Guest disk capacity", nzi(fsCap))
	capF.Config.Unit = "bytes"
	freeF := col("guestDiskFreeBytes", "Guest disk free", nzi(fsFree))
	freeF.Config.Unit = "bytes"
	vm.Fields = append(vm.Fields,
		col("id", "ID", nz(ids)), col("name", "Name", nz(names)), col("powerState", "Power state", nz(power)),
		col("hostName", "Host", nz(hosts)), col("clusterName", "Cluster", nz(clusters)), col("datacenter", "Datacenter", nz(dcs)),
		col("cpuCount", "CPUs", nzi(cpus)), col("coresPerSocket", "Cores per socket", nzi(cores)), memF,
		col("guestOS", "Guest OS", nz(guests)), col("guestFullName", "Guest OS (reported)", nz(fullNames)), col("ip", "IP", nz(ips)),
		col("toolsRunning", "VMware Tools running", tools), col("folder", "Folder", nz(folders)), col("resourcePool", "Resource pool", nz(pools)),
		col("hardwareVersion", "Hardware version", nz(hw)), capF, freeF)
	vm.Meta = &data.FrameMeta{Type: data.FrameTypeTable}

	var dVM, dName, dKey, dLabel, dFile []string
	var dCap []int64
	var nVM, nName, nKey, nLabel, nMac, nNet, nNetName, nState, nIPs []string
	var nStart []bool
	for _, d := range details {
		for _, k := range d.Disks {
			dVM, dName, dKey, dLabel, dFile = append(dVM, d.ID), append(dName, d.Name), append(dKey, k.Key), append(dLabel, k.Label), append(dFile, k.VmdkFile)
			dCap = append(dCap, k.CapacityBytes)
		}
		for _, n := range d.NICs {
			nVM, nName, nKey, nLabel, nMac = append(nVM, d.ID), append(nName, d.Name), append(nKey, n.Key), append(nLabel, n.Label), append(nMac, n.MacAddress)
			nNet, nNetName, nState = append(nNet, n.Network), append(nNetName, n.NetworkName), append(nState, n.State)
			nStart, nIPs = append(nStart, n.StartConnected), append(nIPs, strings.Join(n.IPAddresses, ", "))
		}
	}
	if nStart == nil {
		nStart = []bool{}
	}
	dCapF := col("capacityBytes", "Capacity", nzi(dCap))
	dCapF.Config.Unit = "bytes"
	disks := data.NewFrame("disks", col("vm", "VM ID", nz(dVM)), col("vmName", "VM", nz(dName)), col("key", "Key", nz(dKey)),
		col("label", "Disk", nz(dLabel)), col("vmdkFile", "File", nz(dFile)), dCapF)
	disks.Meta = &data.FrameMeta{Type: data.FrameTypeTable}
	nics := data.NewFrame("nics", col("vm", "VM ID", nz(nVM)), col("vmName", "VM", nz(nName)), col("key", "Key", nz(nKey)),
		col("label", "Adapter", nz(nLabel)), col("macAddress", "MAC", nz(nMac)), col("network", "Network ID", nz(nNet)),
		col("networkName", "Network", nz(nNetName)), col("state", "State", nz(nState)), col("startConnected", "Connect at power on", nStart),
		col("ipAddresses", "IP addresses", nz(nIPs)))
	nics.Meta = &data.FrameMeta{Type: data.FrameTypeTable}
	return data.Frames{vm, disks, nics}
}
