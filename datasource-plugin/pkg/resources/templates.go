package resources

import (
	"context"
	"fmt"
	"net/http"
	"sort"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// VM templates of the content libraries, guest customization specs, and deploy of a template
// (docs/contracts.md §3 "Templates"). A deploy is audited as a clone (of the template) and needs
// the clone role.

// TemplateSource is what the template calls need from vCenter.
type TemplateSource interface {
	ListLibraries(ctx context.Context) ([]string, error)
	GetLibrary(ctx context.Context, id string) (*vcenter.Library, error)
	ListLibraryItems(ctx context.Context, library string) ([]string, error)
	GetLibraryItem(ctx context.Context, id string) (*vcenter.LibraryItem, error)
	GetVMTemplate(ctx context.Context, item string) (*vcenter.VMTemplateInfo, error)
	DeployTemplate(ctx context.Context, item string, spec vcenter.DeploySpec) (string, error)
	ListCustomizationSpecs(ctx context.Context) ([]vcenter.CustomizationSpecSummary, error)
}

// Template is one item of GET templates: a VM template, or an OVF package (whose hardware and
// guest are not known before a deploy: those fields are left out).
type Template struct {
	ID          string `json:"id"`
	Type        string `json:"type"` // "vm-template" or "ovf"
	Name        string `json:"name"`
	Description string `json:"description"`
	Library     string `json:"library"`
	LibraryName string `json:"libraryName"`
	GuestOS     string `json:"guestOS,omitempty"`     // vCenter's id, e.g. UBUNTU_64
	GuestName   string `json:"guestName,omitempty"`   // as people read it
	GuestFamily string `json:"guestFamily,omitempty"` // LINUX, WINDOWS, …
	CPUCount    int    `json:"cpuCount,omitempty"`
	MemoryMiB   int64  `json:"memoryMiB,omitempty"`
	DiskBytes   int64  `json:"diskBytes,omitempty"`
	// SizeBytes is an OVF package's size in the library.
	SizeBytes int64 `json:"sizeBytes,omitempty"`
}

// CustomizationSpec is one item of GET customization-specs.
type CustomizationSpec struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	OSType      string `json:"osType"`   // LINUX or WINDOWS
	OSFamily    string `json:"osFamily"` // "Linux" or "Windows"
}

// DeployRequest is the POST templates/{item}/deploy body.
type DeployRequest struct {
	Name              string                `json:"name"`
	Placement         ClonePlacement        `json:"placement"`
	PowerOn           bool                  `json:"powerOn,omitempty"`
	CustomizationSpec string                `json:"customizationSpec,omitempty"`
	Customization     *CustomizationRequest `json:"customization,omitempty"`
	// OVF packages only (ovf.go).
	AcceptEULA      bool              `json:"acceptEula,omitempty"`
	NetworkMappings map[string]string `json:"networkMappings,omitempty"`
}

var errNoTemplates = fmt.Errorf("%w: this vCenter client cannot read content libraries", models.ErrUpstream)

func (a *API) templateSource() TemplateSource {
	ts, _ := a.d.VCenter.(TemplateSource)
	return ts
}

// guestFamily is the family and display name of a guest_OS id.
func guestFamily(id string) (family, name string) {
	for _, g := range inventory.GuestOSChoices() {
		if g.ID == id {
			return g.Family, g.Name
		}
	}
	return "", inventory.GuestOSName(id)
}

// templateOf reads one library item as a template or OVF package (nil, nil when it is neither).
func templateOf(ctx context.Context, ts TemplateSource, it *vcenter.LibraryItem, libName string) (*Template, error) {
	if it.Type == vmrules.OVFType {
		return &Template{ID: it.ID, Type: it.Type, Name: it.Name, Description: it.Description, Library: it.LibraryID, LibraryName: libName, SizeBytes: it.Size}, nil
	}
	if it.Type != vmrules.TemplateType {
		return nil, nil
	}
	info, err := ts.GetVMTemplate(ctx, it.ID)
	if err != nil {
		return nil, err
	}
	t := &Template{ID: it.ID, Type: it.Type, Name: it.Name, Description: it.Description, Library: it.LibraryID, LibraryName: libName,
		GuestOS: info.GuestOS, CPUCount: info.CPU.Count, MemoryMiB: info.Memory.SizeMiB}
	t.GuestFamily, t.GuestName = guestFamily(info.GuestOS)
	for _, d := range info.Disks {
		t.DiskBytes += d.Capacity
	}
	return t, nil
}

func (a *API) templates(w http.ResponseWriter, r *http.Request) {
	ts := a.templateSource()
	if ts == nil {
		a.writeErr(w, r, errNoTemplates)
		return
	}
	out, err := a.tplCache.get(r.Context(), r.URL.Query().Get("refresh") == "true", func(ctx context.Context) ([]Template, error) { return readTemplates(ctx, ts) })
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// readTemplates reads every library's VM templates and OVF packages, sorted by name.
func readTemplates(ctx context.Context, ts TemplateSource) ([]Template, error) {
	libs, err := ts.ListLibraries(ctx)
	if err != nil {
		return nil, err
	}
	out := []Template{}
	for _, lib := range libs {
		l, err := ts.GetLibrary(ctx, lib)
		if err != nil {
			return nil, err
		}
		items, err := ts.ListLibraryItems(ctx, lib)
		if err != nil {
			return nil, err
		}
		for _, id := range items {
			it, err := ts.GetLibraryItem(ctx, id)
			if err != nil {
				return nil, err
			}
			t, err := templateOf(ctx, ts, it, l.Name)
			if err != nil {
				return nil, err
			}
			if t != nil {
				out = append(out, *t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func specsOf(list []vcenter.CustomizationSpecSummary) []CustomizationSpec {
	out := []CustomizationSpec{}
	for _, s := range list {
		out = append(out, CustomizationSpec{Name: s.Name, Description: s.Description, OSType: s.OSType, OSFamily: osFamilyWord(s.OSType)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func osFamilyWord(os string) string {
	if os == "WINDOWS" {
		return "Windows"
	}
	return "Linux"
}

func (a *API) customizationSpecs(w http.ResponseWriter, r *http.Request) {
	ts := a.templateSource()
	if ts == nil {
		a.writeErr(w, r, errNoTemplates)
		return
	}
	list, err := ts.ListCustomizationSpecs(r.Context())
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, specsOf(list))
}

func (a *API) deployTemplate(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, vmrules.ActionClone)
	item := r.PathValue("item")
	var req DeployRequest
	berr := readBody(r, &req)
	m.vmID, m.vmName = "", req.Name
	m.params = map[string]any{"template": item, "name": req.Name, "placement": req.Placement, "powerOn": req.PowerOn, "customizationSpec": req.CustomizationSpec}
	custom, cerr := customizationOf(req.Customization, req.CustomizationSpec)
	if custom != nil {
		m.params["customization"] = custom.auditParams()
		m.params["customizationSpec"] = custom.Spec
	}
	if !m.authorize() {
		return
	}
	if err := vmrules.ValidateLibraryItemID(item); err != nil {
		m.refuse(err)
		return
	}
	if berr == nil {
		berr = cerr
	}
	if berr == nil {
		berr = ValidateName(req.Name)
	}
	p := req.Placement
	if berr == nil && (p.Folder == "" || (p.Cluster == "" && p.Host == "")) {
		berr = vmrules.Invalid("choose a VM folder and a cluster or host for the new VM")
	}
	if berr != nil {
		m.refuse(berr)
		return
	}
	ts, tk := a.templateSource(), a.tasker()
	if ts == nil || (wantsTask(r) && tk == nil) {
		m.fail(errNoTemplates)
		return
	}
	s, err := a.snapshot(r)
	if err != nil {
		m.fail(err)
		return
	}
	if err := vmrules.CheckClonePlacement(vmrules.VMPlace{}, vmrules.Target{Folder: p.Folder, Cluster: p.Cluster, Host: p.Host, Datastore: p.Datastore}, estateOf(s)); err != nil {
		m.refuse(err)
		return
	}
	if err := nameTaken(s, req.Name); err != nil {
		m.refuse(err)
		return
	}
	it, err := ts.GetLibraryItem(r.Context(), item)
	if err != nil {
		m.fail(err)
		return
	}
	m.params["templateName"] = it.Name
	if it.Type == vmrules.OVFType {
		m.params["kind"] = "ovf"
		a.deployOVF(m, s, it, &req, custom)
		return
	}
	if err := vmrules.CheckTemplate(it.Name, it.Type); err != nil {
		m.refuse(err)
		return
	}
	if req.AcceptEULA || req.NetworkMappings != nil {
		m.refuse(vmrules.Invalid("acceptEula and networkMappings are for OVF packages; %s is a VM template", it.Name))
		return
	}
	var plan *customizationPlan
	if custom != nil {
		info, err := ts.GetVMTemplate(r.Context(), item)
		if err != nil {
			m.fail(err)
			return
		}
		if plan, err = a.planCustomization(r.Context(), custom, guestTarget{"template " + it.Name, info.GuestOS, len(info.NICs)}, vmrules.CheckCustomizationFits); err != nil {
			m.refuseOrFail(err)
			return
		}
	}
	if !m.intend() {
		return
	}
	spec := vcenter.DeploySpec{Name: req.Name, Placement: &vcenter.DeployPlacementSpec{Folder: p.Folder, Cluster: p.Cluster, Host: p.Host}}
	if p.Datastore != "" {
		spec.VMHomeStorage = &struct {
			Datastore string `json:"datastore"`
		}{p.Datastore}
		spec.DiskStorage = &struct {
			Datastore string `json:"datastore"`
		}{p.Datastore}
	}
	// With per-VM values the VM is customized while powered off, then powered on (customize.go).
	after := a.afterCreate(plan, req.PowerOn)
	if req.PowerOn && after == nil {
		on := true
		spec.PoweredOn = &on
	}
	if plan.byName() {
		spec.GuestCustomization = &struct {
			Name string `json:"name"`
		}{plan.name}
	}
	done := func(ctx context.Context, id string) string {
		a.cacheNewVM(ctx, s, inventory.VM{Object: inventory.Object{ID: id, Name: req.Name}}, candidateHosts(s, estateOf(s), p.Host, p.Cluster, ""))
		return id
	}
	if wantsTask(r) {
		a.runTaskThen(m, func(ctx context.Context) (string, error) { return tk.DeployTemplateTask(ctx, item, spec) }, after, done)
		return
	}
	id, err := ts.DeployTemplate(r.Context(), item, spec)
	if err != nil {
		m.failNew(err, req.Name)
		return
	}
	a.finishSync(m, id, req.Name, after, done)
}
