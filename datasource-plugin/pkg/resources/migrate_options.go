package resources

import (
	"context"
	"net/http"
	"strings"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
)

// GET vms/{id}/migrate/options (docs/contracts.md §3 "Clone and migrate"): the hosts of the VM's
// datacenter with whether it can move there (vmrules.HostVerdict), the datastores each host mounts
// (vROps host ⇄ datastore relations, the same cached call as options/placement), whether the VM's
// disks fit each datastore, and the expected effect: each host's latest CPU / memory usage (the
// 30 s host usage cache of inventory/hosts?sort=) and the usage after the VM joins it.

// MigrateDisk is one of the VM's disks with the datastore that holds it.
type MigrateDisk struct {
	Key           string `json:"key"`
	Label         string `json:"label"`
	Datastore     string `json:"datastore"`
	CapacityBytes int64  `json:"capacityBytes"`
}

// MigrateVM is the VM being moved and its latest load (left out when vROps has none).
type MigrateVM struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	Host        string        `json:"host"`
	HostName    string        `json:"hostName"`
	Cluster     string        `json:"cluster"`
	ClusterName string        `json:"clusterName"`
	Datastores  []string      `json:"datastores"`
	Disks       []MigrateDisk `json:"disks"`
	query.VMLoad
}

// MigrateHost is a host of the VM's datacenter. Datastores is left out when the host ⇄ datastore
// relations are unknown (vROps not configured or failing); the figures when vROps has none.
type MigrateHost struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Cluster         string   `json:"cluster"`
	ClusterName     string   `json:"clusterName"`
	ConnectionState string   `json:"connectionState"`
	Compatible      bool     `json:"compatible"`
	Reason          string   `json:"reason,omitempty"`
	CPUUsagePct     *float64 `json:"cpuUsagePct,omitempty"`
	MemoryUsagePct  *float64 `json:"memoryUsagePct,omitempty"`
	CPUAfterPct     *float64 `json:"cpuAfterPct,omitempty"`
	MemoryAfterPct  *float64 `json:"memoryAfterPct,omitempty"`
	Datastores      []string `json:"datastores,omitempty"`
}

// MigrateDatastore is a datastore of the VM's datacenter; Hosts is left out when unknown.
type MigrateDatastore struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	FreeBytes     int64    `json:"freeBytes"`
	CapacityBytes int64    `json:"capacityBytes"`
	Hosts         []string `json:"hosts,omitempty"`
	Fits          bool     `json:"fits"`
	Reason        string   `json:"reason,omitempty"`
}

// MigrateOptions is the answer of GET vms/{id}/migrate/options.
type MigrateOptions struct {
	VM           MigrateVM          `json:"vm"`
	Hosts        []MigrateHost      `json:"hosts"`
	Datastores   []MigrateDatastore `json:"datastores"`
	MetricsError string             `json:"metricsError,omitempty"`
}

// migrateRole lets the handler run only for callers who may migrate (a read: not audited).
func (a *API) migrateRole(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if rf := vmrules.Authorize(vmrules.ActionMigrate, callerOf(r), a.d.Settings.Roles); rf != nil {
			writeError(w, rf.Status, rf.Code, rf.Reason)
			return
		}
		h(w, r)
	}
}

// vmDisks reads the VM's disks from vCenter (the cached inventory has none) with the datastore
// of each: the one of the VM's datacenter named in the disk's backing file path.
func (a *API) vmDisks(ctx context.Context, s *inventory.Snapshot, vm *inventory.VM) ([]MigrateDisk, error) {
	info, err := a.d.VCenter.GetVM(ctx, vm.ID)
	if err != nil {
		return nil, err
	}
	byName := map[string]string{}
	for _, d := range s.Datastores {
		if d.Datacenter == vm.Datacenter || d.Datacenter == "" {
			byName[d.Name] = d.ID
		}
	}
	d := a.d.Query.Inventory.DetailOf(s, vm.ID, info)
	out := make([]MigrateDisk, 0, len(d.Disks))
	for _, disk := range d.Disks {
		out = append(out, MigrateDisk{Key: disk.Key, Label: disk.Label, Datastore: byName[vmrules.VmdkDatastoreName(disk.VmdkFile)], CapacityBytes: disk.CapacityBytes})
	}
	return out, nil
}

func diskPlaces(disks []MigrateDisk) []vmrules.DiskPlace {
	out := make([]vmrules.DiskPlace, len(disks))
	for i, d := range disks {
		out[i] = vmrules.DiskPlace{Key: d.Key, Datastore: d.Datastore, CapacityBytes: d.CapacityBytes}
	}
	return out
}

func (a *API) migrateOptions(w http.ResponseWriter, r *http.Request) {
	s, err := a.snapshot(r)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	vm, err := sourceVM(s, r.PathValue("id"))
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	disks, err := a.vmDisks(r.Context(), s, vm)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	dsHosts := a.d.Query.Inventory.DatastoreHosts(r.Context(), s)
	usage, load, why := a.moveFigures(r, s, vm)
	if dsHosts.Err != nil {
		why = append(why, "which hosts mount which datastores is unknown: "+publicMessage(dsHosts.Err, caller(r)))
	}
	writeJSON(w, http.StatusOK, MigrateOptionsOf(s, vm, disks, dsHosts, usage, load, strings.Join(why, "; ")))
}

// moveFigures reads the hosts' latest usage (cached 30 s) and the VM's latest load from vROps;
// why says what is missing and why (nil when all is there).
func (a *API) moveFigures(r *http.Request, s *inventory.Snapshot, vm *inventory.VM) (*query.HostUsageResult, *query.VMLoad, []string) {
	ctx := r.Context()
	if a.d.Query.Stats == nil {
		return nil, nil, []string{"vROps is not configured for this data source: add its URL and credentials to see host usage and the expected effect of the move"}
	}
	usage, err := a.hostUsage.get(ctx, a.d.Query, s)
	if err != nil {
		return nil, nil, []string{"host usage is unavailable: " + publicMessage(err, caller(r))}
	}
	var why []string
	if t := usage.MissingHostsText(); t != "" {
		why = append(why, t)
	}
	load, found, err := query.VMLoadLatest(ctx, a.d.Query, vm)
	switch {
	case err != nil:
		return usage, nil, append(why, "the VM's usage is unavailable, so the usage after the move is unknown: "+publicMessage(err, caller(r)))
	case !found:
		return usage, nil, append(why, "vROps does not know VM "+vm.Name+" yet, so the usage after the move is unknown")
	case load.CPUUsageMHz == nil || load.MemoryUsageBytes == nil:
		why = append(why, "vROps has no recent CPU or memory figure for VM "+vm.Name+", so part of the usage after the move is unknown")
	}
	return usage, &load, why
}

// MigrateOptionsOf builds the answer from the snapshot, the VM's disks, the datastores' host
// lists (may be empty), the hosts' usage and the VM's load (nil when unknown).
func MigrateOptionsOf(s *inventory.Snapshot, vm *inventory.VM, disks []MigrateDisk, dsHosts *inventory.DatastoreHosts,
	usage *query.HostUsageResult, load *query.VMLoad, metricsError string) MigrateOptions {
	e := estateOf(s)
	place := placeOf(vm)
	out := MigrateOptions{Hosts: []MigrateHost{}, Datastores: []MigrateDatastore{}, MetricsError: metricsError}
	out.VM = MigrateVM{ID: vm.ID, Name: vm.Name, Host: vm.Host, HostName: s.Name(vm.Host), Cluster: vm.Cluster, ClusterName: s.Name(vm.Cluster),
		Datastores: []string{}, Disks: disks}
	seen := map[string]bool{}
	for _, d := range disks {
		if d.Datastore != "" && !seen[d.Datastore] {
			seen[d.Datastore] = true
			out.VM.Datastores = append(out.VM.Datastores, d.Datastore)
		}
	}
	if load != nil {
		out.VM.VMLoad = *load
	}
	places := diskPlaces(disks)
	mounted := map[string][]string{} // host → datastores, only when the datastore's hosts are known
	known := false
	for _, d := range s.Datastores {
		if d.Datacenter != vm.Datacenter && d.Datacenter != "" { // as vmDisks maps disks to datastores
			continue
		}
		hosts := dsHosts.HostIDs(d.ID)
		if hosts != nil {
			known = true
		}
		for _, h := range hosts {
			mounted[h] = append(mounted[h], d.ID)
		}
		fits, reason := vmrules.DatastoreFit(places, d.ID, d.FreeBytes)
		out.Datastores = append(out.Datastores, MigrateDatastore{ID: d.ID, Name: d.Name, Type: d.Type, FreeBytes: d.FreeBytes, CapacityBytes: d.CapacityBytes,
			Hosts: hosts, Fits: fits, Reason: reason})
	}
	for _, h := range s.Hosts {
		if h.Datacenter != vm.Datacenter {
			continue
		}
		ok, reason := vmrules.HostVerdict(place, h.ID, e)
		mh := MigrateHost{ID: h.ID, Name: h.Name, Cluster: h.Cluster, ClusterName: s.Name(h.Cluster), ConnectionState: h.ConnectionState,
			Compatible: ok, Reason: reason}
		if known {
			mh.Datastores = append([]string{}, mounted[h.ID]...)
		}
		if usage != nil {
			u := usage.ByHost[h.ID]
			mh.CPUUsagePct, mh.MemoryUsagePct = u.CPUUsagePct, u.MemoryUsagePct
			if ok && load != nil {
				mh.CPUAfterPct, mh.MemoryAfterPct = afterMove(u, *load)
			}
		}
		out.Hosts = append(out.Hosts, mh)
	}
	return out
}

// afterMove is a host's expected CPU and memory usage with the VM on it; nil where a figure is missing.
func afterMove(u query.HostUsage, load query.VMLoad) (cpu, mem *float64) {
	if u.CPUUsagePct != nil && u.CPUCapacityMHz != nil && load.CPUUsageMHz != nil {
		if v, ok := vmrules.AfterMovePct(*u.CPUUsagePct, *u.CPUCapacityMHz, *load.CPUUsageMHz); ok {
			cpu = &v
		}
	}
	if u.MemoryUsagePct != nil && u.MemoryCapacityBytes != nil && load.MemoryUsageBytes != nil {
		if v, ok := vmrules.AfterMovePct(*u.MemoryUsagePct, float64(*u.MemoryCapacityBytes), float64(*load.MemoryUsageBytes)); ok {
			mem = &v
		}
	}
	return cpu, mem
}
