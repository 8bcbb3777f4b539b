package query

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
)

func inventoryQuery(ctx context.Context, d *Deps, q *models.Query, _ backend.DataQuery) (backend.DataResponse, error) {
	if !models.ValidEntity(q.Entity, false) {
		return backend.DataResponse{}, fmt.Errorf("%w: entity %q is unknown: use hosts, clusters, datastores, networks, datacenters, folders, resourcePools or vms", models.ErrInvalidInput, q.Entity)
	}
	s, err := snapshot(ctx, d)
	if err != nil {
		return backend.DataResponse{}, err
	}
	var ex extras
	switch q.Entity {
	case models.EntityDatastores:
		// From vROps, once per snapshot; a failure becomes a notice on the frame, not an error.
		ex.hosts = d.Inventory.DatastoreHosts(ctx, s)
	case models.EntityVMs:
		// Guest OS names and IPs from one bulk vROps properties call per snapshot
		// (inventory/guest.go); a failure becomes a notice on the frame, not an error.
		ex.guests = d.Inventory.VMGuests(ctx, s)
	}
	frame, err := d.frames.get(s, q.Entity, q.Filter, ex)
	if err != nil {
		return backend.DataResponse{}, err
	}
	frame.RefID = q.RefID
	return backend.DataResponse{Frames: data.Frames{frame}}, nil
}

// extras are the per-snapshot vROps data some inventory frames add to vCenter's (nil when not
// asked for): the datastores' host counts and the VMs' guest OS names and IPs.
type extras struct {
	hosts  *inventory.DatastoreHosts
	guests *inventory.VMGuests
}

// frameCache keeps built inventory frames for the current snapshot, so a repeated query (dashboard
// refresh, several panels) costs no rebuild; it empties itself when the snapshot changes (the
// datastore host counts and the guest data are per snapshot too).
type frameCache struct {
	mu   sync.Mutex
	snap *inventory.Snapshot
	m    map[string]*data.Frame
}

const maxCachedFrames = 64

func (c *frameCache) get(s *inventory.Snapshot, entity string, filter models.InventoryFilter, ex extras) (*data.Frame, error) {
	raw, _ := json.Marshal(filter)
	key := entity + "\x00" + string(raw)
	c.mu.Lock()
	if c.snap != s {
		c.snap, c.m = s, map[string]*data.Frame{}
	}
	fr := c.m[key]
	c.mu.Unlock()
	if fr == nil {
		f, err := CompileFilter(s, filter)
		if err != nil {
			return nil, err
		}
		fr = inventoryFrame(s, entity, f, ex)
		c.mu.Lock()
		if c.snap == s && len(c.m) < maxCachedFrames {
			c.m[key] = fr
		}
		c.mu.Unlock()
	}
	// A shallow copy: fields are shared read-only, only RefID differs per query.
	cp := *fr
	return &cp, nil
}

func unitField(f *data.Field, unit, display string) *data.Field {
	f.Config = &data.FieldConfig{Unit: unit, DisplayNameFromDS: display}
	return f
}

func named(f *data.Field, display string) *data.Field {
	f.Config = &data.FieldConfig{DisplayNameFromDS: display}
	return f
}

// InventoryFrame builds the table frame of one entity without vROps data (datastores without
// host counts, VMs with the configured guest OS name only).
func InventoryFrame(s *inventory.Snapshot, entity string, f *Filter) *data.Frame {
	return inventoryFrame(s, entity, f, extras{})
}

// inventoryFrame builds the table frame of one entity; ex.hosts fills the datastores' Hosts
// column and ex.guests the VMs' Guest OS and IP columns (either may be nil), each with a warning
// notice when vROps failed.
func inventoryFrame(s *inventory.Snapshot, entity string, f *Filter, ex extras) *data.Frame {
	hosts := ex.hosts
	var notices []data.Notice
	var fr *data.Frame
	switch entity {
	case models.EntityVMs:
		var ids, names, power, hosts, hostNames, clusters, clusterNames, dcs, guestOS, ips []string
		var cpus []int64
		var mem []int64
		for _, vm := range s.VMs {
			if !f.VM(vm) {
				continue
			}
			ids, names, power = append(ids, vm.ID), append(names, vm.Name), append(power, vm.PowerState)
			cpus, mem = append(cpus, int64(vm.CPUCount)), append(mem, vm.MemoryMiB)
			hosts, hostNames = append(hosts, vm.Host), append(hostNames, s.Name(vm.Host))
			clusters, clusterNames = append(clusters, vm.Cluster), append(clusterNames, s.Name(vm.Cluster))
			dcs = append(dcs, s.Name(vm.Datacenter))
			// The guest OS as people read it ("Ubuntu Linux (64-bit)"): VMware Tools' name from
			// vROps, else the configured guest_OS id's name; the IP only from vROps.
			sum := inventory.VMSummary{ID: vm.ID, GuestOS: vm.GuestDisplayName(), IP: vm.IP}
			ex.guests.Fill(&sum)
			guestOS, ips = append(guestOS, sum.GuestOS), append(ips, sum.IP)
		}
		fr = data.NewFrame("vms",
			named(data.NewField("id", nil, nz(ids)), "ID"), named(data.NewField("name", nil, nz(names)), "Name"),
			named(data.NewField("powerState", nil, nz(power)), "Power state"),
			unitField(data.NewField("cpuCount", nil, nzi(cpus)), "none", "CPUs"),
			unitField(data.NewField("memoryMiB", nil, nzi(mem)), "mbytes", "Memory"),
			named(data.NewField("host", nil, nz(hosts)), "Host ID"), named(data.NewField("hostName", nil, nz(hostNames)), "Host"),
			named(data.NewField("cluster", nil, nz(clusters)), "Cluster ID"), named(data.NewField("clusterName", nil, nz(clusterNames)), "Cluster"),
			named(data.NewField("datacenter", nil, nz(dcs)), "Datacenter"),
			named(data.NewField("guestOS", nil, nz(guestOS)), "Guest OS"), named(data.NewField("ip", nil, nz(ips)), "IP address"))
		if ex.guests != nil && ex.guests.Err != nil {
			notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning,
				Text: ex.guests.Err.Error() + " (Guest OS shows the configured guest OS, IP address is empty)"})
		}
	case models.EntityHosts:
		var ids, names, conn, power, clusters, clusterNames, dcs []string
		var vms []int64
		for _, h := range s.Hosts {
			if !f.Host(h) {
				continue
			}
			ids, names, conn, power = append(ids, h.ID), append(names, h.Name), append(conn, h.ConnectionState), append(power, h.PowerState)
			clusters, clusterNames, dcs = append(clusters, h.Cluster), append(clusterNames, s.Name(h.Cluster)), append(dcs, s.Name(h.Datacenter))
			vms = append(vms, int64(h.VMCount))
		}
		fr = data.NewFrame("hosts",
			named(data.NewField("id", nil, nz(ids)), "ID"), named(data.NewField("name", nil, nz(names)), "Name"),
			named(data.NewField("connectionState", nil, nz(conn)), "Connection"), named(data.NewField("powerState", nil, nz(power)), "Power state"),
			named(data.NewField("cluster", nil, nz(clusters)), "Cluster ID"), named(data.NewField("clusterName", nil, nz(clusterNames)), "Cluster"),
			named(data.NewField("datacenter", nil, nz(dcs)), "Datacenter"), unitField(data.NewField("vmCount", nil, nzi(vms)), "none", "VMs"))
	case models.EntityClusters:
		var ids, names, dcs []string
		var ha, drs []bool
		var hosts, vms []int64
		for _, c := range s.Clusters {
			if !f.Cluster(c) {
				continue
			}
			ids, names, dcs = append(ids, c.ID), append(names, c.Name), append(dcs, s.Name(c.Datacenter))
			ha, drs = append(ha, c.HAEnabled), append(drs, c.DRSEnabled)
			hosts, vms = append(hosts, int64(c.HostCount)), append(vms, int64(c.VMCount))
		}
		if ha == nil {
			ha, drs = []bool{}, []bool{}
		}
		fr = data.NewFrame("clusters",
			named(data.NewField("id", nil, nz(ids)), "ID"), named(data.NewField("name", nil, nz(names)), "Name"),
			named(data.NewField("haEnabled", nil, ha), "HA"), named(data.NewField("drsEnabled", nil, drs), "DRS"),
			unitField(data.NewField("hostCount", nil, nzi(hosts)), "none", "Hosts"), unitField(data.NewField("vmCount", nil, nzi(vms)), "none", "VMs"),
			named(data.NewField("datacenter", nil, nz(dcs)), "Datacenter"))
	case models.EntityDatastores:
		var ids, names, types, dcs []string
		var capb, free []int64
		var used []float64
		hostCounts := []*int64{}
		for _, ds := range s.Datastores {
			if !f.DC(&ds.Object) {
				continue
			}
			ids, names, types, dcs = append(ids, ds.ID), append(names, ds.Name), append(types, ds.Type), append(dcs, s.Name(ds.Datacenter))
			capb, free = append(capb, ds.CapacityBytes), append(free, ds.FreeBytes)
			pct := 0.0
			if ds.CapacityBytes > 0 {
				pct = float64(ds.CapacityBytes-ds.FreeBytes) * 100 / float64(ds.CapacityBytes)
			}
			used = append(used, pct)
			var n *int64
			if c := hosts.Count(ds.ID); c != nil {
				v := int64(*c)
				n = &v
			}
			hostCounts = append(hostCounts, n)
		}
		if used == nil {
			used = []float64{}
		}
		fr = data.NewFrame("datastores",
			named(data.NewField("id", nil, nz(ids)), "ID"), named(data.NewField("name", nil, nz(names)), "Name"),
			named(data.NewField("type", nil, nz(types)), "Type"),
			unitField(data.NewField("capacityBytes", nil, nzi(capb)), "bytes", "Capacity"),
			unitField(data.NewField("freeBytes", nil, nzi(free)), "bytes", "Free"),
			unitField(data.NewField("usedPercent", nil, used), "percent", "Used"),
			unitField(data.NewField("hostCount", nil, hostCounts), "none", "Hosts"),
			named(data.NewField("datacenter", nil, nz(dcs)), "Datacenter"))
	case models.EntityNetworks, models.EntityFolders:
		var ids, names, types, dcs []string
		add := func(o *inventory.Object, t string) {
			if !f.DC(o) {
				return
			}
			ids, names, types, dcs = append(ids, o.ID), append(names, o.Name), append(types, t), append(dcs, s.Name(o.Datacenter))
		}
		if entity == models.EntityNetworks {
			for _, n := range s.Networks {
				add(&n.Object, n.Type)
			}
		} else {
			for _, fo := range s.Folders {
				add(&fo.Object, fo.Type)
			}
		}
		fr = data.NewFrame(entity,
			named(data.NewField("id", nil, nz(ids)), "ID"), named(data.NewField("name", nil, nz(names)), "Name"),
			named(data.NewField("type", nil, nz(types)), "Type"), named(data.NewField("datacenter", nil, nz(dcs)), "Datacenter"))
	case models.EntityResourcePools:
		var ids, names, clusters, clusterNames []string
		for _, p := range s.ResourcePools {
			if !f.Pool(p) {
				continue
			}
			ids, names, clusters, clusterNames = append(ids, p.ID), append(names, p.Name), append(clusters, p.Cluster), append(clusterNames, s.Name(p.Cluster))
		}
		fr = data.NewFrame("resourcePools",
			named(data.NewField("id", nil, nz(ids)), "ID"), named(data.NewField("name", nil, nz(names)), "Name"),
			named(data.NewField("cluster", nil, nz(clusters)), "Cluster ID"), named(data.NewField("clusterName", nil, nz(clusterNames)), "Cluster"))
	default: // datacenters
		var ids, names []string
		for _, dc := range s.Datacenters {
			if in(f.dc, dc.ID) && f.name(dc.Name) {
				ids, names = append(ids, dc.ID), append(names, dc.Name)
			}
		}
		fr = data.NewFrame("datacenters", named(data.NewField("id", nil, nz(ids)), "ID"), named(data.NewField("name", nil, nz(names)), "Name"))
	}
	if entity == models.EntityDatastores && hosts != nil && hosts.Err != nil {
		notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: hosts.Err.Error() + " (the Hosts column is empty)"})
	}
	fr.Meta = &data.FrameMeta{Type: data.FrameTypeTable, PreferredVisualization: data.VisTypeTable, Notices: notices}
	return fr
}

// nz avoids nil slices so empty results still produce typed (string) fields.
func nz(a []string) []string {
	if a == nil {
		return []string{}
	}
	return a
}

func nzi(a []int64) []int64 {
	if a == nil {
		return []int64{}
	}
	return a
}
