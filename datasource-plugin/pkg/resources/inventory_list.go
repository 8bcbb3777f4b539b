package resources

import (
	"fmt"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
)

// Page is the paged list answer.
type Page struct {
	Items    any `json:"items"`
	Total    int `json:"total"`
	Page     int `json:"page"`
	PageSize int `json:"pageSize"`
	// MetricsError says why host items lack CPU and memory figures (hosts only; the list itself
	// never fails for want of vROps).
	MetricsError string `json:"metricsError,omitempty"`
	// Warnings name data that could not be fetched (the items are still complete otherwise).
	Warnings []string `json:"warnings,omitempty"`
}

// HostItem is one row of `inventory/hosts`: vCenter's view of the host plus the latest CPU and
// memory capacity and usage from vROps, which are left out when vROps has none.
type HostItem struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	ConnectionState string `json:"connectionState"`
	PowerState      string `json:"powerState"`
	Cluster         string `json:"cluster"`
	ClusterName     string `json:"clusterName"`
	Datacenter      string `json:"datacenter"`
	VMCount         int    `json:"vmCount"`
	query.HostUsage
	host *inventory.Host
}

// sortKeys are the extra sort keys per entity (name and id sort every entity).
var sortKeys = map[string][]string{
	models.EntityVMs:   {"powerState", "host", "cluster", "cpuCount", "memoryMiB", sortCPU, sortMemory},
	models.EntityHosts: {"cluster", sortCPU, sortMemory},
}

func (a *API) inventory(w http.ResponseWriter, r *http.Request) {
	entity := r.PathValue("entity")
	if !models.ValidEntity(entity, false) {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("entity %q is unknown: use hosts, clusters, datastores, networks, datacenters, folders, resourcePools or vms", entity))
		return
	}
	q := r.URL.Query()
	lq, err := parseListQuery(q)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	if !sortable(sortKeys[entity], lq.sortBy) {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("cannot sort %s by %q", entity, lq.sortBy))
		return
	}
	s, err := a.snapshot(r)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	f := models.InventoryFilter{}
	for k, dst := range map[string]*models.StringList{"cluster": &f.Cluster, "host": &f.Host, "datacenter": &f.Datacenter, "powerState": &f.PowerState} {
		if v := q.Get(k); v != "" {
			*dst = models.StringList{v}
		}
	}
	cf, err := query.CompileFilter(s, f)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	var rows []row
	var warnings []string
	var hostUsage *query.HostUsageResult
	add := func(id, name string, item any, keys map[string]sortKey) {
		if lq.matches(id, name) {
			rows = append(rows, row{id: id, name: name, item: item, keys: keys})
		}
	}
	switch entity {
	case models.EntityVMs:
		// Guest OS names and IPs come from vROps, once per snapshot (inventory/guest.go).
		// Sorting by usage needs the latest vROps usage of every VM (vmusage.go), fetched before
		// anything else so that a missing vROps is a plain 400.
		var usage map[string]query.VMUsage
		if lq.sortBy == sortCPU || lq.sortBy == sortMemory {
			if usage, err = a.vmUsage.get(r.Context(), a.d.Query, s); err != nil {
				a.writeErr(w, r, err)
				return
			}
		}
		guests := a.d.Query.Inventory.VMGuests(r.Context(), s)
		if guests.Err != nil {
			warnings = append(warnings, publicMessage(guests.Err, caller(r)))
		}
		for _, vm := range s.VMs {
			if cf.VM(vm) {
				sum := s.Summary(vm)
				guests.Fill(&sum)
				keys := map[string]sortKey{"powerState": textKey(vm.PowerState), "host": textKey(s.Name(vm.Host)),
					"cluster": textKey(s.Name(vm.Cluster)), "cpuCount": numKey(int64(vm.CPUCount)), "memoryMiB": numKey(vm.MemoryMiB)}
				if usage == nil {
					add(vm.ID, vm.Name, sum, keys)
					continue
				}
				u := usage[vm.ID]
				keys[sortCPU], keys[sortMemory] = usageKey(u.CPUUsagePercent), usageKey(u.MemUsagePercent)
				add(vm.ID, vm.Name, VMItem{VMSummary: sum, VMUsage: u}, keys)
			}
		}
	case models.EntityHosts:
		// Sorting by usage needs the latest usage of every host (vmusage.go), fetched first so
		// that a missing vROps is a plain 400; otherwise only the page's hosts get figures.
		if lq.sortBy == sortCPU || lq.sortBy == sortMemory {
			if hostUsage, err = a.hostUsage.get(r.Context(), a.d.Query, s); err != nil {
				a.writeErr(w, r, err)
				return
			}
		}
		for _, h := range s.Hosts {
			if cf.Host(h) {
				item := &HostItem{ID: h.ID, Name: h.Name, ConnectionState: h.ConnectionState, PowerState: h.PowerState, Cluster: h.Cluster,
					ClusterName: s.Name(h.Cluster), Datacenter: h.Datacenter, VMCount: h.VMCount, host: h}
				keys := map[string]sortKey{"cluster": textKey(s.Name(h.Cluster))}
				if hostUsage != nil {
					item.HostUsage = hostUsage.ByHost[h.ID]
					keys[sortCPU], keys[sortMemory] = usageKey(item.CPUUsagePct), usageKey(item.MemoryUsagePct)
				}
				add(h.ID, h.Name, item, keys)
			}
		}
	case models.EntityClusters:
		for _, c := range s.Clusters {
			if cf.Cluster(c) {
				add(c.ID, c.Name, c, nil)
			}
		}
	case models.EntityDatastores:
		// hostCount comes from vROps (one bulk call per snapshot); without it datastores still list.
		hosts := a.d.Query.Inventory.DatastoreHosts(r.Context(), s)
		if hosts.Err != nil {
			warnings = append(warnings, publicMessage(hosts.Err, caller(r)))
		}
		for _, d := range s.Datastores {
			if cf.DC(&d.Object) {
				add(d.ID, d.Name, d.WithHostCount(hosts), nil)
			}
		}
	case models.EntityNetworks:
		for _, n := range s.Networks {
			if cf.DC(&n.Object) {
				add(n.ID, n.Name, n, nil)
			}
		}
	case models.EntityFolders:
		for _, fo := range s.Folders {
			if cf.DC(&fo.Object) {
				add(fo.ID, fo.Name, fo, nil)
			}
		}
	case models.EntityResourcePools:
		for _, p := range s.ResourcePools {
			if cf.Pool(p) {
				add(p.ID, p.Name, p, nil)
			}
		}
	case models.EntityDatacenters:
		for _, d := range s.Datacenters {
			add(d.ID, d.Name, d, nil)
		}
	}
	sortRows(rows, lq)
	out := pageOf(rows, lq)
	p := Page{Items: out, Total: len(rows), Page: lq.page, PageSize: lq.size, Warnings: warnings}
	if entity == models.EntityHosts {
		if hostUsage != nil {
			p.MetricsError = hostUsage.MissingHostsText()
		} else {
			p.MetricsError = a.addHostUsage(r, out)
		}
	}
	writeJSON(w, http.StatusOK, p)
}

// addHostUsage fills in the CPU and memory figures of the hosts on this page only, from one bulk
// vROps call, and returns why some or all are missing ("" when none is).
func (a *API) addHostUsage(r *http.Request, items []any) string {
	ctx := r.Context()
	hosts := make([]*inventory.Host, 0, len(items))
	for _, it := range items {
		hosts = append(hosts, it.(*HostItem).host)
	}
	if len(hosts) == 0 {
		return ""
	}
	res, err := query.HostUsageLatest(ctx, a.d.Query, hosts)
	if err != nil {
		log.DefaultLogger.FromContext(ctx).Warn("host list without CPU and memory figures", "error", err)
		return "No CPU and memory figures: " + publicMessage(err, caller(r))
	}
	for _, it := range items {
		h := it.(*HostItem)
		h.HostUsage = res.ByHost[h.ID]
	}
	return res.MissingHostsText()
}
