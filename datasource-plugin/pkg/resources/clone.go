package resources

import (
	"context"
	"fmt"
	"net/http"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// Clone and migrate (docs/contracts.md §3 "Clone and migrate"): role check, validation against
// the cached inventory (vmrules/placement.go) before vCenter is called, audit intent and outcome,
// then only the one VM is updated in the cached inventory and the fresh VM detail is the answer.

// Mover is what clone and migrate need from vCenter beyond the Mutator.
type Mover interface {
	CloneVM(ctx context.Context, spec vcenter.CloneSpec) (string, error)
	RelocateVM(ctx context.Context, id string, spec vcenter.RelocateSpec) error
}

// ClonePlacement is where a clone goes; each part left out is the source VM's.
type ClonePlacement struct {
	Folder    string `json:"folder,omitempty"`
	Cluster   string `json:"cluster,omitempty"`
	Host      string `json:"host,omitempty"`
	Datastore string `json:"datastore,omitempty"`
}

// CloneRequest is the POST vms/{id}/clone body.
type CloneRequest struct {
	Name      string         `json:"name"`
	Placement ClonePlacement `json:"placement"`
	PowerOn   bool           `json:"powerOn,omitempty"`
	// Guest customization (customize.go): a stored spec by name, or with per-VM values.
	CustomizationSpec string                `json:"customizationSpec,omitempty"`
	Customization     *CustomizationRequest `json:"customization,omitempty"`
}

// MigrateRequest is the POST vms/{id}/migrate body: at least one part.
type MigrateRequest struct {
	Host      string `json:"host,omitempty"`
	Cluster   string `json:"cluster,omitempty"`
	Datastore string `json:"datastore,omitempty"`
	// Disks is per-disk placement: disk key → where it goes (VMware's `RelocateSpec.disks`).
	Disks map[string]DiskTarget `json:"disks,omitempty"`
}

// DiskTarget is where one disk moves.
type DiskTarget struct {
	Datastore string `json:"datastore"`
}

// diskMap is the per-disk placement as the rules see it: disk key → datastore id.
func (req *MigrateRequest) diskMap() map[string]string {
	if len(req.Disks) == 0 {
		return nil
	}
	out := make(map[string]string, len(req.Disks))
	for k, d := range req.Disks {
		out[k] = d.Datastore
	}
	return out
}

// estateOf is the inventory as the placement rules see it.
func estateOf(s *inventory.Snapshot) vmrules.Estate {
	e := vmrules.Estate{Folders: map[string]vmrules.Place{}, Clusters: map[string]vmrules.Place{}, Hosts: map[string]vmrules.PlaceHost{},
		Datastores: map[string]vmrules.Place{}, Datacenters: map[string]string{}}
	for _, f := range s.Folders {
		if f.Type == "VIRTUAL_MACHINE" {
			e.Folders[f.ID] = vmrules.Place{Name: f.Name, Datacenter: f.Datacenter}
		}
	}
	for _, c := range s.Clusters {
		e.Clusters[c.ID] = vmrules.Place{Name: c.Name, Datacenter: c.Datacenter}
	}
	for _, h := range s.Hosts {
		e.Hosts[h.ID] = vmrules.PlaceHost{Place: vmrules.Place{Name: h.Name, Datacenter: h.Datacenter}, Cluster: h.Cluster, ConnectionState: h.ConnectionState}
	}
	for _, d := range s.Datastores {
		e.Datastores[d.ID] = vmrules.Place{Name: d.Name, Datacenter: d.Datacenter}
	}
	for _, d := range s.Datacenters {
		e.Datacenters[d.ID] = d.Name
	}
	return e
}

func placeOf(vm *inventory.VM) vmrules.VMPlace {
	return vmrules.VMPlace{ID: vm.ID, Name: vm.Name, Host: vm.Host, Datacenter: vm.Datacenter}
}

// mover is the vCenter client's clone/relocate side; nil when the client has none.
func (a *API) mover() Mover {
	mv, _ := a.d.VCenter.(Mover)
	return mv
}

var errNoMover = fmt.Errorf("%w: this vCenter client cannot clone or relocate VMs", models.ErrUpstream)

// sourceVM finds the path's VM in the inventory.
func sourceVM(s *inventory.Snapshot, id string) (*inventory.VM, error) {
	vm := s.VM(id)
	if vm == nil {
		return nil, fmt.Errorf("%w: VM %s does not exist in this vCenter", models.ErrNotFound, id)
	}
	return vm, nil
}

// hostOf asks vCenter which of the candidate hosts runs the VM (the VM info does not say):
// one list call per candidate with vms=<id>&hosts=<h>, each answering at most one item.
func (a *API) hostOf(ctx context.Context, id string, candidates []string) string {
	if len(candidates) == 1 {
		return candidates[0]
	}
	for _, h := range candidates {
		vms, err := a.d.VCenter.ListVMs(ctx, vcenter.ListFilter{"vms": {id}, "hosts": {h}})
		if err == nil && len(vms) > 0 {
			return h
		}
	}
	return ""
}

// candidateHosts are the hosts a VM can be on after vCenter placed it on host, in cluster, or
// (neither given) next to fallbackHost.
func candidateHosts(s *inventory.Snapshot, e vmrules.Estate, host, cluster, fallbackHost string) []string {
	if host != "" {
		return []string{host}
	}
	if cluster == "" {
		if h := s.Host(fallbackHost); h != nil && h.Cluster != "" {
			cluster = h.Cluster
		} else {
			return []string{fallbackHost}
		}
	}
	return vmrules.ConnectedHostsOf(cluster, e)
}

// placed is vm on host as the cache holds it, with vCenter's fresh read applied.
func placed(vm inventory.VM, s *inventory.Snapshot, host string, info *vcenter.VMInfo) inventory.VM {
	if h := s.Host(host); h != nil {
		vm.Host, vm.Cluster, vm.Datacenter = h.ID, h.Cluster, h.Datacenter
	}
	return *vm.Applied(info)
}

// answerDetail writes the VM's fresh detail (status), or the bare id when the read fails.
func (a *API) answerDetail(w http.ResponseWriter, r *http.Request, status int, id, name string) {
	d, err := a.d.Query.Inventory.Detail(r.Context(), a.d.VCenter, a.d.Query.Inventory.Peek(), id)
	if err != nil {
		writeJSON(w, status, map[string]string{"id": id, "name": name})
		return
	}
	writeJSON(w, status, d)
}

func (a *API) cloneVM(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, vmrules.ActionClone)
	source := m.vmID
	var req CloneRequest
	berr := readBody(r, &req)
	// Like create, the audit event is about the new VM; the source is a parameter.
	m.vmID, m.vmName = "", req.Name
	m.params = map[string]any{"source": source, "name": req.Name, "placement": req.Placement, "powerOn": req.PowerOn}
	custom, cerr := customizationOf(req.Customization, req.CustomizationSpec)
	if custom != nil {
		m.params["customization"] = custom.auditParams()
	}
	if berr == nil {
		berr = cerr
	}
	s, src, ok := m.cloneSource(source, req.Name, berr)
	if !ok {
		return
	}
	e := estateOf(s)
	p := req.Placement
	if err := vmrules.CheckClonePlacement(placeOf(src), vmrules.Target{Folder: p.Folder, Cluster: p.Cluster, Host: p.Host, Datastore: p.Datastore}, e); err != nil {
		m.refuse(err)
		return
	}
	if err := nameTaken(s, req.Name); err != nil {
		m.refuse(err)
		return
	}
	plan, err := a.planCustomization(r.Context(), custom, a.guestOf(r.Context(), src, custom), vmrules.CheckCustomizationFitsVM)
	if err != nil {
		m.refuseOrFail(err)
		return
	}
	mv, tk, ok := m.moverReady()
	if !ok {
		return
	}
	spec := vcenter.CloneSpec{Source: source, Name: req.Name}
	if p != (ClonePlacement{}) {
		spec.Placement = &vcenter.ClonePlacementSpec{Folder: p.Folder, Cluster: p.Cluster, Host: p.Host, Datastore: p.Datastore}
	}
	after := a.afterCreate(plan, req.PowerOn)
	if req.PowerOn && after == nil {
		on := true
		spec.PowerOn = &on
	}
	if plan.byName() {
		spec.GuestCustomizationSpec = &vcenter.GuestCustomizationByName{Name: plan.name}
	}
	done := func(ctx context.Context, id string) string {
		a.cacheNewVM(ctx, s, inventory.VM{Object: inventory.Object{ID: id, Name: req.Name, Datacenter: src.Datacenter}},
			candidateHosts(s, e, p.Host, p.Cluster, src.Host))
		return id
	}
	if wantsTask(r) {
		a.runTaskThen(m, func(ctx context.Context) (string, error) { return tk.CloneVMTask(ctx, spec) }, after, done)
		return
	}
	id, err := mv.CloneVM(r.Context(), spec)
	if err != nil {
		m.failNew(err, req.Name)
		return
	}
	a.finishSync(m, id, req.Name, after, done)
}

func (a *API) migrateVM(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, vmrules.ActionMigrate)
	var req MigrateRequest
	berr := readBody(r, &req)
	m.params = map[string]any{"host": req.Host, "cluster": req.Cluster, "datastore": req.Datastore}
	if len(req.Disks) > 0 {
		m.params["disks"] = req.Disks
	}
	s, vm, ok := m.existingVM(berr)
	if !ok {
		return
	}
	m.params["fromHost"] = vm.Host
	e := estateOf(s)
	if err := vmrules.CheckMigrate(placeOf(vm), vmrules.Target{Cluster: req.Cluster, Host: req.Host, Datastore: req.Datastore, Disks: req.diskMap()}, e); err != nil {
		m.refuse(err)
		return
	}
	// Per-disk placement is checked against the VM's disks, which only vCenter knows (one read).
	if len(req.Disks) > 0 {
		disks, err := a.vmDisks(r.Context(), s, vm)
		if err != nil {
			m.fail(err)
			return
		}
		if err := vmrules.CheckDiskPlacement(placeOf(vm), diskPlaces(disks), req.diskMap(), e); err != nil {
			m.refuse(err)
			return
		}
	}
	mv, tk, ok := m.moverReady()
	if !ok {
		return
	}
	spec := vcenter.RelocateSpec{}
	if req.Host != "" || req.Cluster != "" || req.Datastore != "" {
		spec.Placement = &vcenter.RelocatePlacementSpec{Host: req.Host, Cluster: req.Cluster, Datastore: req.Datastore}
	}
	for k, d := range req.Disks {
		if spec.Disks == nil {
			spec.Disks = map[string]vcenter.DiskRelocateSpec{}
		}
		spec.Disks[k] = vcenter.DiskRelocateSpec{Datastore: d.Datastore}
	}
	// A Storage vMotion alone leaves the VM on its host; a cluster target is looked up.
	candidates := []string{vm.Host}
	if req.Host != "" || req.Cluster != "" {
		candidates = candidateHosts(s, e, req.Host, req.Cluster, vm.Host)
	}
	done := func(ctx context.Context, _ string) string {
		host, info := a.landedOn(ctx, vm.ID, candidates)
		if host != "" {
			a.d.Query.Inventory.MovedVM(placed(*vm, s, host, info), vm.Host, a.d.Now())
		} else {
			a.d.Query.Inventory.Invalidate()
		}
		m.params["toHost"] = host
		return vm.ID
	}
	if wantsTask(r) {
		a.runTask(m, func(ctx context.Context) (string, error) { return tk.RelocateVMTask(ctx, vm.ID, spec) }, done)
		return
	}
	if err := mv.RelocateVM(r.Context(), m.vmID, spec); err != nil {
		m.fail(err)
		return
	}
	done(r.Context(), "")
	m.succeed(http.StatusOK, vm.Name)
}
