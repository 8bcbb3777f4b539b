package resources

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// Guest customization with per-VM values (docs/contracts.md §3 "Guest customization"): a stored
// spec by name, optionally with this VM's host name and first NIC's IPv4. Without per-VM values
// the spec goes to vCenter by name (deploy's guest_customization, clone's
// guest_customization_spec); with them the backend reads the stored spec, puts the values in
// (vmrules.ApplyOverrides), creates the VM powered off, applies the result inline with PUT
// /api/vcenter/vm/{vm}/guest/customization and then powers the VM on when asked. The same PUT
// is the `PUT vms/{id}/customization` endpoint (audit action "customize", clone role).

// Customizer is what guest customization needs from vCenter.
type Customizer interface {
	ListCustomizationSpecs(ctx context.Context) ([]vcenter.CustomizationSpecSummary, error)
	GetCustomizationSpec(ctx context.Context, name string) (*vcenter.CustomizationSpecInfo, error)
	SetGuestCustomization(ctx context.Context, vm string, spec vcenter.SetCustomizationSpec) error
}

// IPSetting is the `ip` of a customization: the string "dhcp" or {address, prefix, gateway}.
type IPSetting struct{ vmrules.IPv4Override }

// UnmarshalJSON reads "dhcp" or a static setting.
func (s *IPSetting) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte(`"dhcp"`)) {
		s.DHCP = true
		return nil
	}
	var st vmrules.StaticIPv4
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return fmt.Errorf(`ip must be "dhcp" or {"address", "prefix", "gateway"}`)
	}
	s.Static = &st
	return nil
}

// MarshalJSON writes it back as it came (for the audit).
func (s IPSetting) MarshalJSON() ([]byte, error) {
	if s.DHCP || s.Static == nil {
		return []byte(`"dhcp"`), nil
	}
	return json.Marshal(s.Static)
}

// CustomizationRequest is the `customization` object of deploy and clone bodies and the body of
// PUT vms/{id}/customization.
type CustomizationRequest struct {
	Spec     string     `json:"spec"`
	HostName string     `json:"hostName,omitempty"`
	IP       *IPSetting `json:"ip,omitempty"`
}

func (c *CustomizationRequest) overrides() vmrules.Overrides {
	o := vmrules.Overrides{HostName: c.HostName}
	if c.IP != nil {
		o.IP = &c.IP.IPv4Override
	}
	return o
}

// customizationOf merges the older `customizationSpec: "<name>"` into the `customization` object
// (one of them, not both).
func customizationOf(c *CustomizationRequest, specName string) (*CustomizationRequest, error) {
	switch {
	case c != nil && specName != "":
		return nil, vmrules.Invalid("give customization or customizationSpec, not both")
	case c != nil:
		return c, nil
	case specName != "":
		return &CustomizationRequest{Spec: specName}, nil
	}
	return nil, nil
}

// customizationPlan is a checked customization: by name, or inline with the per-VM values in.
type customizationPlan struct {
	name   string
	inline json.RawMessage
}

// byName says whether vCenter can apply it by name during the deploy or clone.
func (p *customizationPlan) byName() bool { return p != nil && p.inline == nil }

var errNoCustomizer = fmt.Errorf("%w: this vCenter client cannot customize guests", models.ErrUpstream)

func (a *API) customizer() Customizer {
	c, _ := a.d.VCenter.(Customizer)
	return c
}

// planCustomization checks a customization for a guest OS (vCenter's guest_OS id) before
// anything changes: the spec exists, fits the OS family (fits names whose guest it is), and the
// per-VM values are valid; with per-VM values it reads the stored spec and puts them in.
// Refusals are invalid input (400); failed reads keep their class.
// guestTarget is the guest a customization is for: what names it in messages, its guest_OS id,
// and its network adapter count (< 0 when unknown).
type guestTarget struct {
	what    string
	guestOS string
	nics    int
}

func (a *API) planCustomization(ctx context.Context, c *CustomizationRequest, t guestTarget,
	fits func(spec, specOS, family, guestName string) error) (*customizationPlan, error) {
	if c == nil {
		return nil, nil
	}
	if c.Spec == "" || len(c.Spec) > 80 {
		return nil, vmrules.Invalid("customization.spec must name a stored customization spec")
	}
	cz := a.customizer()
	if cz == nil {
		return nil, errNoCustomizer
	}
	specs, err := cz.ListCustomizationSpecs(ctx)
	if err != nil {
		return nil, err
	}
	var spec *vcenter.CustomizationSpecSummary
	for i := range specs {
		if specs[i].Name == c.Spec {
			spec = &specs[i]
		}
	}
	if spec == nil {
		return nil, vmrules.Invalid("customization spec %q does not exist", c.Spec)
	}
	family, name := guestFamily(t.guestOS)
	if err := fits(spec.Name, spec.OSType, family, name); err != nil {
		return nil, err
	}
	if family == "" && spec.OSType == "WINDOWS" {
		family = "WINDOWS"
	}
	o := c.overrides()
	if err := vmrules.CheckOverrides(o, family); err != nil {
		return nil, err
	}
	if t.nics >= 0 {
		if err := vmrules.CheckAdapterFor(o, t.what, t.nics); err != nil {
			return nil, err
		}
	}
	if o.Empty() {
		return &customizationPlan{name: spec.Name}, nil
	}
	info, err := cz.GetCustomizationSpec(ctx, spec.Name)
	if err != nil {
		return nil, err
	}
	inline, err := vmrules.ApplyOverrides(info.Spec.Spec, o)
	if err != nil {
		return nil, err
	}
	return &customizationPlan{name: spec.Name, inline: inline}, nil
}

// auditParams are a customization's audit params.
func (c *CustomizationRequest) auditParams() map[string]any {
	if c == nil {
		return nil
	}
	p := map[string]any{"spec": c.Spec}
	if c.HostName != "" {
		p["hostName"] = c.HostName
	}
	if c.IP != nil {
		p["ip"] = c.IP
	}
	return p
}

// Follow-up step messages, as GET tasks/{task} shows them.
const (
	stepCustomizing = "Customizing guest"
	stepPoweringOn  = "Powering on"
)

// finishNew applies an inline customization to a VM just created powered off, then powers it on
// when asked; step names each step as it starts. The error names the VM, which exists either way.
func (a *API) finishNew(ctx context.Context, id string, plan *customizationPlan, powerOn bool, step func(string)) error {
	if plan != nil && plan.inline != nil {
		step(stepCustomizing)
		cz := a.customizer()
		if cz == nil {
			return errNoCustomizer
		}
		if err := cz.SetGuestCustomization(ctx, id, vcenter.SetCustomizationSpec{Spec: plan.inline}); err != nil {
			return fmt.Errorf("VM %s was created powered off but its guest customization failed: %w", id, err)
		}
	}
	if powerOn {
		step(stepPoweringOn)
		if err := a.d.VCenter.Power(ctx, id, "start"); err != nil {
			return fmt.Errorf("VM %s was created and customized but did not power on: %w", id, err)
		}
	}
	return nil
}

// customizeVM is PUT vms/{id}/customization.
func (a *API) customizeVM(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, vmrules.ActionCustomize)
	var req CustomizationRequest
	berr := readBody(r, &req)
	m.params = req.auditParams()
	if !m.authorize() || !m.checkID() {
		return
	}
	s, ok := m.inventoryFor(berr)
	if !ok {
		return
	}
	vm, ok := m.sourceOf(s, m.vmID)
	if !ok {
		return
	}
	m.vmName = vm.Name
	// The power state and guest OS from vCenter now, not from the cache.
	info, err := a.d.VCenter.GetVM(r.Context(), vm.ID)
	if err != nil {
		m.fail(err)
		return
	}
	if err := vmrules.CheckCustomizable(vm.Name, info.PowerState); err != nil {
		m.refuse(err)
		return
	}
	plan, err := a.planCustomization(r.Context(), &req, guestTarget{"VM " + vm.Name, info.GuestOS, len(info.NICs)}, vmrules.CheckCustomizationFitsVM)
	if err != nil {
		m.refuseOrFail(err)
		return
	}
	if !m.intend() {
		return
	}
	set := vcenter.SetCustomizationSpec{Spec: plan.inline}
	if plan.byName() {
		set = vcenter.SetCustomizationSpec{Name: plan.name}
	}
	if err := a.customizer().SetGuestCustomization(r.Context(), vm.ID, set); err != nil {
		m.fail(err)
		return
	}
	m.succeed(http.StatusOK, vm.Name)
}

// refuseOrFail refuses invalid input, and fails (with its class) anything else.
func (m *mutation) refuseOrFail(err error) {
	if errors.Is(err, models.ErrInvalidInput) {
		m.refuse(err)
		return
	}
	m.fail(err)
}

// afterCreate is the backend's own steps after vCenter created the VM: nil when vCenter does it
// all (no per-VM values).
func (a *API) afterCreate(plan *customizationPlan, powerOn bool) func(ctx context.Context, vm string, step func(string)) error {
	if plan == nil || plan.inline == nil {
		return nil
	}
	return func(ctx context.Context, vm string, step func(string)) error {
		return a.finishNew(ctx, vm, plan, powerOn, step)
	}
}

// finishSync ends a direct (not ?async) create: the backend's own steps, the cache, the outcome.
// When a step fails the VM exists: it is cached, and the failure names it.
func (a *API) finishSync(m *mutation, id, name string, after func(context.Context, string, func(string)) error,
	done func(context.Context, string) string) {
	ctx := m.r.Context()
	m.vmID = id
	if after != nil {
		if err := after(context.WithoutCancel(ctx), id, func(string) {}); err != nil {
			// The VM exists: the change failed part-way, whatever vCenter's class of the step's error.
			done(ctx, id)
			m.emit("failed", err)
			m.a.writeErr(m.w, m.r, err)
			return
		}
	}
	m.vmID = done(ctx, id)
	m.succeed(http.StatusCreated, name)
}

// guestOf is the VM as the customization checks see it: vCenter's read (guest OS, NICs), else
// the cached guest OS with the NICs unknown; nothing is read without a customization.
func (a *API) guestOf(ctx context.Context, vm *inventory.VM, c *CustomizationRequest) guestTarget {
	t := guestTarget{what: "VM " + vm.Name, guestOS: vm.GuestOS, nics: -1}
	if c == nil {
		return t
	}
	if info, err := a.d.VCenter.GetVM(ctx, vm.ID); err == nil {
		if info.GuestOS != "" {
			t.guestOS = info.GuestOS
		}
		t.nics = len(info.NICs)
	}
	return t
}
