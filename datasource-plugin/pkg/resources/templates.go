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

// Template is one item of GET templates.
type Template struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Library     string `json:"library"`
	LibraryName string `json:"libraryName"`
	GuestOS     string `json:"guestOS"`     // vCenter's id, e.g. UBUNTU_64
	GuestName   string `json:"guestName"`   // as people read it
	GuestFamily string `json:"guestFamily"` // LINUX, WINDOWS, …
	CPUCount    int    `json:"cpuCount"`
	MemoryMiB   int64  `json:"memoryMiB"`
	DiskBytes   int64  `json:"diskBytes"`
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
	Name              string         `json:"name"`
	Placement         ClonePlacement `json:"placement"`
	PowerOn           bool           `json:"powerOn,omitempty"`
	CustomizationSpec string         `json:"customizationSpec,omitempty"`
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

// templateOf reads one library item as a template (nil, nil when it is not one).
func templateOf(ctx context.Context, ts TemplateSource, it *vcenter.LibraryItem, libName string) (*Template, error) {
	if it.Type != vmrules.TemplateType {
		return nil, nil
	}
	info, err := ts.GetVMTemplate(ctx, it.ID)
	if err != nil {
		return nil, err
	}
	t := &Template{ID: it.ID, Name: it.Name, Description: it.Description, Library: it.LibraryID, LibraryName: libName,
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
	ctx := r.Context()
	libs, err := ts.ListLibraries(ctx)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	out := []Template{}
	for _, lib := range libs {
		l, err := ts.GetLibrary(ctx, lib)
		if err != nil {
			a.writeErr(w, r, err)
			return
		}
		items, err := ts.ListLibraryItems(ctx, lib)
		if err != nil {
			a.writeErr(w, r, err)
			return
		}
		for _, id := range items {
			it, err := ts.GetLibraryItem(ctx, id)
			if err != nil {
				a.writeErr(w, r, err)
				return
			}
			t, err := templateOf(ctx, ts, it, l.Name)
			if err != nil {
				a.writeErr(w, r, err)
				return
			}
			if t != nil {
				out = append(out, *t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	writeJSON(w, http.StatusOK, out)
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
	if !m.authorize() {
		return
	}
	if err := vmrules.ValidateLibraryItemID(item); err != nil {
		m.refuse(err)
		return
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
	if err := vmrules.CheckTemplate(it.Name, it.Type); err != nil {
		m.refuse(err)
		return
	}
	if req.CustomizationSpec != "" {
		info, err := ts.GetVMTemplate(r.Context(), item)
		if err != nil {
			m.fail(err)
			return
		}
		specs, err := ts.ListCustomizationSpecs(r.Context())
		if err != nil {
			m.fail(err)
			return
		}
		var spec *vcenter.CustomizationSpecSummary
		for i := range specs {
			if specs[i].Name == req.CustomizationSpec {
				spec = &specs[i]
			}
		}
		if spec == nil {
			m.refuse(vmrules.Invalid("customization spec %q does not exist", req.CustomizationSpec))
			return
		}
		family, name := guestFamily(info.GuestOS)
		if err := vmrules.CheckCustomizationFits(spec.Name, spec.OSType, family, name); err != nil {
			m.refuse(err)
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
	if req.PowerOn {
		on := true
		spec.PoweredOn = &on
	}
	if req.CustomizationSpec != "" {
		spec.GuestCustomization = &struct {
			Name string `json:"name"`
		}{req.CustomizationSpec}
	}
	done := func(ctx context.Context, id string) string {
		a.cacheNewVM(ctx, s, inventory.VM{Object: inventory.Object{ID: id, Name: req.Name}}, candidateHosts(s, estateOf(s), p.Host, p.Cluster, ""))
		return id
	}
	if wantsTask(r) {
		a.runTask(m, func(ctx context.Context) (string, error) { return tk.DeployTemplateTask(ctx, item, spec) }, done)
		return
	}
	id, err := ts.DeployTemplate(r.Context(), item, spec)
	if err != nil {
		m.failNew(err, req.Name)
		return
	}
	m.vmID = done(r.Context(), id)
	m.succeed(http.StatusCreated, req.Name)
}
