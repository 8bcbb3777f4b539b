package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// Mutator is what the VM mutations need from vCenter.
type Mutator interface {
	inventory.DetailReader
	CreateVM(ctx context.Context, spec vcenter.CreateSpec) (string, error)
	PatchCPU(ctx context.Context, id string, spec vcenter.CPUSpec) error
	PatchMemory(ctx context.Context, id string, spec vcenter.MemorySpec) error
	Power(ctx context.Context, id, action string) error
	GuestPower(ctx context.Context, id, action string) error
	DeleteVM(ctx context.Context, id string) error
}

// Deps are what the resource API uses.
type Deps struct {
	Query    *query.Deps
	VCenter  Mutator
	VROps    *vrops.Client
	Relay    *relay.Client
	Settings *models.Settings
	// Now is the clock for audit events (tests pin it).
	Now func() time.Time
}

// API is the resource API handler.
type API struct {
	d   Deps
	mux *http.ServeMux
}

// New builds the resource API.
func New(d Deps) *API {
	if d.Now == nil {
		d.Now = time.Now
	}
	a := &API{d: d, mux: http.NewServeMux()}
	m := a.mux
	m.HandleFunc("GET /inventory/{entity}", a.read(a.inventory))
	m.HandleFunc("GET /vms/{id}", a.read(a.vmDetail))
	m.HandleFunc("GET /vms/{id}/history", a.read(a.history))
	m.HandleFunc("GET /vms/{id}/hardware/limits", a.read(a.limits))
	m.HandleFunc("GET /statkeys", a.read(a.statKeys))
	m.HandleFunc("GET /statkeys/{resource}", a.read(a.resourceStatKeys))
	m.HandleFunc("GET /options/guest-os", a.readAs(models.RoleEditor, a.guestOS))
	m.HandleFunc("GET /options/placement", a.readAs(models.RoleEditor, a.placement))
	m.HandleFunc("GET /audit", a.read(a.audit))
	m.HandleFunc("GET /me", a.me)
	m.HandleFunc("GET /me/subscriptions", a.userOnly(a.getMySubscription))
	m.HandleFunc("PUT /me/subscriptions", a.userOnly(a.putMySubscription))
	m.HandleFunc("GET /subscriptions", a.readAs(models.RoleAdmin, a.listSubscriptions))
	m.HandleFunc("PUT /subscriptions/{login}", a.readAs(models.RoleAdmin, a.putSubscription))
	m.HandleFunc("POST /vms", a.createVM)
	m.HandleFunc("PATCH /vms/{id}/hardware", a.patchHardware)
	m.HandleFunc("POST /vms/{id}/power", a.power)
	m.HandleFunc("DELETE /vms/{id}", a.deleteVM)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no resource %s %s", r.Method, r.URL.Path))
	})
	return a
}

// ServeHTTP recovers panics so that bad input can never take the plugin down.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if rec := recover(); rec != nil {
			log.DefaultLogger.Error("resource handler panicked", "path", r.URL.Path, "panic", rec)
			writeError(w, http.StatusInternalServerError, "internal", "internal error")
		}
	}()
	a.mux.ServeHTTP(w, r)
}

// ErrorBody is the contract's error shape.
type ErrorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, ErrorBody{Error: code, Message: msg})
}

// writeErr maps a typed error to the contract's codes.
func writeErr(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, models.ErrInvalidInput), errors.Is(err, models.ErrNotConfigured):
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
	case errors.Is(err, models.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, models.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", err.Error())
	case errors.Is(err, models.ErrOutcomeUnknown):
		writeError(w, http.StatusGatewayTimeout, "outcome_unknown", err.Error())
	default:
		writeError(w, http.StatusBadGateway, "upstream_error", err.Error())
	}
}

// caller is the Grafana user from the plugin context; nil for requests Grafana starts itself.
func caller(r *http.Request) *backend.User {
	return httpadapter.UserFromContext(r.Context())
}

// read allows reads for any signed-in Viewer and for Grafana's own requests (no user).
func (a *API) read(h http.HandlerFunc) http.HandlerFunc { return a.readAs(models.RoleViewer, h) }

func (a *API) readAs(min models.Role, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := caller(r)
		if u == nil && min == models.RoleViewer {
			h(w, r)
			return
		}
		if u == nil {
			writeError(w, http.StatusUnauthorized, "unauthenticated", "this resource needs a signed-in Grafana user")
			return
		}
		if models.Role(u.Role).Rank() < min.Rank() {
			writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("this needs the %s role; you are %s", min, roleName(u.Role)))
			return
		}
		h(w, r)
	}
}

func (a *API) userOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := caller(r)
		if u == nil || u.Login == "" {
			writeError(w, http.StatusUnauthorized, "unauthenticated", "this resource needs a signed-in Grafana user")
			return
		}
		if models.Role(u.Role).Rank() < models.RoleViewer.Rank() {
			writeError(w, http.StatusForbidden, "forbidden", "this needs at least the Viewer role")
			return
		}
		h(w, r)
	}
}

func roleName(r string) string {
	if r == "" {
		return "without a role"
	}
	return r
}

func (a *API) snapshot(r *http.Request) (*inventory.Snapshot, error) {
	return a.d.Query.Inventory.Get(r.Context())
}

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

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, invalid("%s must be a number from %d to %d", name, lo, hi)
	}
	return n, nil
}

type listItem struct {
	name, id string
	v        any
	sortKey  map[string]string
}

func (a *API) inventory(w http.ResponseWriter, r *http.Request) {
	entity := r.PathValue("entity")
	if !models.ValidEntity(entity, false) {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("entity %q is unknown: use hosts, clusters, datastores, networks, datacenters, folders, resourcePools or vms", entity))
		return
	}
	q := r.URL.Query()
	page, err := intParam(q, "page", 1, 1, 1_000_000)
	if err != nil {
		writeErr(w, err)
		return
	}
	size, err := intParam(q, "pageSize", 50, 1, 1000)
	if err != nil {
		writeErr(w, err)
		return
	}
	order := q.Get("order")
	if order != "" && order != "asc" && order != "desc" {
		writeError(w, http.StatusBadRequest, "bad_request", "order must be asc or desc")
		return
	}
	s, err := a.snapshot(r)
	if err != nil {
		writeErr(w, err)
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
		writeErr(w, err)
		return
	}
	search := strings.ToLower(q.Get("search"))
	var items []listItem
	var warnings []string
	add := func(id, name string, v any, keys map[string]string) {
		if search != "" && !strings.Contains(strings.ToLower(name), search) && !strings.Contains(strings.ToLower(id), search) {
			return
		}
		items = append(items, listItem{name: name, id: id, v: v, sortKey: keys})
	}
	switch entity {
	case models.EntityVMs:
		for _, vm := range s.VMs {
			if cf.VM(vm) {
				add(vm.ID, vm.Name, s.Summary(vm), map[string]string{"powerState": vm.PowerState, "host": s.Name(vm.Host), "cluster": s.Name(vm.Cluster), "cpuCount": fmt.Sprintf("%06d", vm.CPUCount), "memoryMiB": fmt.Sprintf("%012d", vm.MemoryMiB)})
			}
		}
	case models.EntityHosts:
		for _, h := range s.Hosts {
			if cf.Host(h) {
				add(h.ID, h.Name, &HostItem{ID: h.ID, Name: h.Name, ConnectionState: h.ConnectionState, PowerState: h.PowerState, Cluster: h.Cluster,
					ClusterName: s.Name(h.Cluster), Datacenter: h.Datacenter, VMCount: h.VMCount, host: h}, map[string]string{"cluster": s.Name(h.Cluster)})
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
			warnings = append(warnings, hosts.Err.Error())
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
	sortBy := q.Get("sort")
	if sortBy != "" && sortBy != "name" && sortBy != "id" {
		ok := len(items) == 0
		if len(items) > 0 {
			_, ok = items[0].sortKey[sortBy]
		}
		if !ok {
			writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("cannot sort %s by %q", entity, sortBy))
			return
		}
	}
	key := func(it listItem) string {
		switch sortBy {
		case "", "name":
			return strings.ToLower(it.name)
		case "id":
			return it.id
		}
		return it.sortKey[sortBy]
	}
	sort.SliceStable(items, func(i, j int) bool {
		ki, kj := key(items[i]), key(items[j])
		if ki == kj {
			return items[i].id < items[j].id
		}
		if order == "desc" {
			return ki > kj
		}
		return ki < kj
	})
	start := min((page-1)*size, len(items))
	end := min(start+size, len(items))
	out := make([]any, 0, end-start)
	for _, it := range items[start:end] {
		out = append(out, it.v)
	}
	p := Page{Items: out, Total: len(items), Page: page, PageSize: size, Warnings: warnings}
	if entity == models.EntityHosts {
		p.MetricsError = a.addHostUsage(r.Context(), out)
	}
	writeJSON(w, http.StatusOK, p)
}

// addHostUsage fills in the CPU and memory figures of the hosts on this page only, from one bulk
// vROps call, and returns why some or all are missing ("" when none is).
func (a *API) addHostUsage(ctx context.Context, items []any) string {
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
		return "No CPU and memory figures: " + err.Error()
	}
	for _, it := range items {
		h := it.(*HostItem)
		h.HostUsage = res.ByHost[h.ID]
	}
	return res.MissingHostsText()
}

func (a *API) vmDetail(w http.ResponseWriter, r *http.Request) {
	s, err := a.snapshot(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	d, err := inventory.Detail(r.Context(), a.d.VCenter, s, r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (a *API) history(w http.ResponseWriter, r *http.Request) {
	s, err := a.snapshot(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	type entry struct {
		Time         time.Time `json:"time"`
		FromHost     string    `json:"fromHost"`
		FromHostName string    `json:"fromHostName"`
		ToHost       string    `json:"toHost"`
		ToHostName   string    `json:"toHostName"`
		Kind         string    `json:"kind"`
	}
	out := []entry{}
	for _, h := range a.d.Query.Inventory.HostChanges(r.PathValue("id")) {
		out = append(out, entry{h.Time, h.FromHost, s.Name(h.FromHost), h.ToHost, s.Name(h.ToHost), h.Kind})
	}
	writeJSON(w, http.StatusOK, out)
}

// Limits is the answer of GET vms/{id}/hardware/limits.
type Limits struct {
	PowerState          string            `json:"powerState"`
	CPUHotAddEnabled    bool              `json:"cpuHotAddEnabled"`
	CPUHotRemoveEnabled bool              `json:"cpuHotRemoveEnabled"`
	MemoryHotAddEnabled bool              `json:"memoryHotAddEnabled"`
	CPUCount            int               `json:"cpuCount"`
	MemoryMiB           int64             `json:"memoryMiB"`
	MinCPU              int               `json:"minCpu"`
	MaxCPU              int               `json:"maxCpu"`
	MinMemoryMiB        int64             `json:"minMemoryMiB"`
	MaxMemoryMiB        int64             `json:"maxMemoryMiB"`
	CanChangeCPU        bool              `json:"canChangeCpu"`
	CanChangeMemory     bool              `json:"canChangeMemory"`
	Reasons             map[string]string `json:"reasons"`
}

// LimitsOf derives what may change from the VM's power state and hot-add flags (vcenter-rest-api.md §7).
func LimitsOf(id string, info *vcenter.VMInfo) Limits {
	l := Limits{PowerState: info.PowerState, CPUHotAddEnabled: info.CPU.HotAddEnabled, CPUHotRemoveEnabled: info.CPU.HotRemoveEnabled,
		MemoryHotAddEnabled: info.Memory.HotAddEnabled, CPUCount: info.CPU.Count, MemoryMiB: info.Memory.SizeMiB,
		MinCPU: MinCPU, MaxCPU: MaxCPU, MinMemoryMiB: MinMemoryMiB, MaxMemoryMiB: MaxMemoryMiB, CanChangeCPU: true, CanChangeMemory: true, Reasons: map[string]string{}}
	if info.PowerState == "POWERED_OFF" {
		return l
	}
	if !info.CPU.HotAddEnabled && !info.CPU.HotRemoveEnabled {
		l.CanChangeCPU = false
		l.Reasons["cpu"] = fmt.Sprintf("VM %s is %s and CPU hot-add is off: power it off first", id, strings.ToLower(strings.ReplaceAll(info.PowerState, "_", " ")))
	} else {
		if !info.CPU.HotAddEnabled {
			l.MaxCPU = info.CPU.Count
		}
		if !info.CPU.HotRemoveEnabled {
			l.MinCPU = info.CPU.Count
		}
	}
	if !info.Memory.HotAddEnabled {
		l.CanChangeMemory = false
		l.Reasons["memory"] = fmt.Sprintf("VM %s is %s and memory hot-add is off: power it off first", id, strings.ToLower(strings.ReplaceAll(info.PowerState, "_", " ")))
	} else {
		l.MinMemoryMiB = info.Memory.SizeMiB // memory cannot shrink while on
		if info.Memory.HotAddLimitMiB > 0 {
			l.MaxMemoryMiB = info.Memory.HotAddLimitMiB
		}
	}
	return l
}

func (a *API) limits(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	info, err := a.d.VCenter.GetVM(r.Context(), id)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, LimitsOf(id, info))
}

func (a *API) statKeys(w http.ResponseWriter, r *http.Request) {
	kind := r.URL.Query().Get("resourceKind")
	if kind == "" {
		kind = models.KindVM
	}
	if !models.ValidResourceKind(kind) {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("resource kind %q is unknown: use VirtualMachine, HostSystem, ClusterComputeResource or Datastore", kind))
		return
	}
	writeJSON(w, http.StatusOK, query.KnownStatKeys(kind))
}

// GuestOS is one create-form choice.
type GuestOS struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Family string `json:"family"`
}

// GuestOSChoices are common guest_OS ids of vCenter 7.0.2+ (vcenter-rest-api.md §8).
var GuestOSChoices = []GuestOS{
	{"UBUNTU_64", "Ubuntu Linux (64-bit)", "LINUX"},
	{"DEBIAN_11_64", "Debian GNU/Linux 11 (64-bit)", "LINUX"},
	{"DEBIAN_10_64", "Debian GNU/Linux 10 (64-bit)", "LINUX"},
	{"RHEL_9_64", "Red Hat Enterprise Linux 9 (64-bit)", "LINUX"},
	{"RHEL_8_64", "Red Hat Enterprise Linux 8 (64-bit)", "LINUX"},
	{"RHEL_7_64", "Red Hat Enterprise Linux 7 (64-bit)", "LINUX"},
	{"CENTOS_8_64", "CentOS 8 (64-bit)", "LINUX"},
	{"SLES_15_64", "SUSE Linux Enterprise 15 (64-bit)", "LINUX"},
	{"VMWARE_PHOTON_64", "VMware Photon OS (64-bit)", "LINUX"},
	{"AMAZONLINUX2_64", "Amazon Linux 2 (64-bit)", "LINUX"},
	{"OTHER_5X_LINUX_64", "Other 5.x Linux (64-bit)", "LINUX"},
	{"FREEBSD_13_64", "FreeBSD 13 (64-bit)", "OTHER"},
	{"WINDOWS_SERVER_2021", "Microsoft Windows Server 2022 (64-bit)", "WINDOWS"},
	{"WINDOWS_SERVER_2019", "Microsoft Windows Server 2019 (64-bit)", "WINDOWS"},
	{"WINDOWS_9_SERVER_64", "Microsoft Windows Server 2016 (64-bit)", "WINDOWS"},
	{"WINDOWS_9_64", "Microsoft Windows 10 (64-bit)", "WINDOWS"},
	{"OTHER_64", "Other (64-bit)", "OTHER"},
}

func (a *API) guestOS(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, GuestOSChoices)
}

func (a *API) placement(w http.ResponseWriter, r *http.Request) {
	s, err := a.snapshot(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	// datacenter is an addition to the contract's shapes: placement must stay in one datacenter.
	type idName struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		Datacenter string `json:"datacenter"`
	}
	type withCluster struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		Cluster    string `json:"cluster"`
		Datacenter string `json:"datacenter"`
	}
	type ds struct {
		ID            string `json:"id"`
		Name          string `json:"name"`
		Type          string `json:"type"`
		CapacityBytes int64  `json:"capacityBytes"`
		FreeBytes     int64  `json:"freeBytes"`
		Datacenter    string `json:"datacenter"`
	}
	type nw struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		Type       string `json:"type"`
		Datacenter string `json:"datacenter"`
	}
	out := struct {
		Folders       []idName      `json:"folders"`
		Clusters      []idName      `json:"clusters"`
		Hosts         []withCluster `json:"hosts"`
		ResourcePools []withCluster `json:"resourcePools"`
		Datastores    []ds          `json:"datastores"`
		Networks      []nw          `json:"networks"`
	}{[]idName{}, []idName{}, []withCluster{}, []withCluster{}, []ds{}, []nw{}}
	for _, f := range s.Folders {
		if f.Type == "VIRTUAL_MACHINE" {
			out.Folders = append(out.Folders, idName{f.ID, f.Name, f.Datacenter})
		}
	}
	for _, c := range s.Clusters {
		out.Clusters = append(out.Clusters, idName{c.ID, c.Name, c.Datacenter})
	}
	for _, h := range s.Hosts {
		out.Hosts = append(out.Hosts, withCluster{h.ID, h.Name, h.Cluster, h.Datacenter})
	}
	for _, p := range s.ResourcePools {
		out.ResourcePools = append(out.ResourcePools, withCluster{p.ID, p.Name, p.Cluster, p.Datacenter})
	}
	for _, d := range s.Datastores {
		out.Datastores = append(out.Datastores, ds{d.ID, d.Name, d.Type, d.CapacityBytes, d.FreeBytes, d.Datacenter})
	}
	for _, n := range s.Networks {
		out.Networks = append(out.Networks, nw{n.ID, n.Name, n.Type, n.Datacenter})
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) audit(w http.ResponseWriter, r *http.Request) {
	q := url.Values{}
	for _, k := range []string{"vm", "user", "from", "to", "page", "pageSize"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	p, err := a.d.Relay.ListAudit(r.Context(), q)
	if err != nil {
		writeErr(w, err)
		return
	}
	if p.Items == nil {
		p.Items = []relay.AuditEvent{}
	}
	writeJSON(w, http.StatusOK, p)
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	u := caller(r)
	if u == nil {
		writeError(w, http.StatusUnauthorized, "unauthenticated", "no signed-in Grafana user")
		return
	}
	role := models.Role(u.Role)
	rs := a.d.Settings.Roles
	writeJSON(w, http.StatusOK, map[string]any{
		"login": u.Login, "email": u.Email, "name": u.Name, "role": u.Role,
		"permissions": map[string]bool{
			"create": role.Rank() >= rs.Create.Rank(), "edit": role.Rank() >= rs.Edit.Rank(),
			"power": role.Rank() >= rs.Power.Rank(), "delete": role.Rank() >= rs.Delete.Rank(),
			"manageSubscriptions": role.Rank() >= models.RoleAdmin.Rank(),
		},
	})
}

func (a *API) getMySubscription(w http.ResponseWriter, r *http.Request) {
	u := caller(r)
	var sub map[string]any
	err := a.d.Relay.Do(r.Context(), http.MethodGet, "/internal/users/"+url.PathEscape(u.Login), nil, nil, &sub)
	if errors.Is(err, models.ErrNotFound) {
		// Not registered yet: answer the defaults the form starts from.
		writeJSON(w, http.StatusOK, map[string]any{"login": u.Login, "email": u.Email, "name": u.Name, "confirmed": false,
			"minSeverity": "warning", "matchers": map[string]any{}, "firing": true, "resolved": true, "digestMinutes": 0})
		return
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, sub)
}

func readBody(r *http.Request, v any) error {
	if r.Body == nil { // httpadapter leaves Body nil when Grafana sends none
		return invalid("the request needs a JSON body")
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return invalid("the request body could not be read")
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid("the request body is not valid JSON for this call: %v", err)
	}
	return nil
}

func (a *API) putSubscriptionFor(w http.ResponseWriter, r *http.Request, login, email, name string) {
	var sub map[string]any
	if r.Body == nil {
		writeError(w, http.StatusBadRequest, "bad_request", "the body must be a subscription JSON object")
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(raw, &sub) != nil || sub == nil {
		writeError(w, http.StatusBadRequest, "bad_request", "the body must be a subscription JSON object")
		return
	}
	// Identity comes from Grafana, never from the body.
	sub["login"] = login
	if email != "" {
		sub["email"] = email
	}
	if name != "" {
		sub["name"] = name
	}
	var out map[string]any
	if err := a.d.Relay.Do(r.Context(), http.MethodPut, "/internal/users/"+url.PathEscape(login), nil, sub, &out); err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) putMySubscription(w http.ResponseWriter, r *http.Request) {
	u := caller(r)
	a.putSubscriptionFor(w, r, u.Login, u.Email, u.Name)
}

func (a *API) listSubscriptions(w http.ResponseWriter, r *http.Request) {
	var out []map[string]any
	if err := a.d.Relay.Do(r.Context(), http.MethodGet, "/internal/users", nil, nil, &out); err != nil {
		writeErr(w, err)
		return
	}
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) putSubscription(w http.ResponseWriter, r *http.Request) {
	a.putSubscriptionFor(w, r, r.PathValue("login"), "", "")
}
