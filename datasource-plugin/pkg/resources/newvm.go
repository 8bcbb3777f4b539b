package resources

import (
	"context"
	"errors"
	"fmt"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// The steps that create, clone, deploy and migrate share (docs/contracts.md §3 "Clone and
// migrate"): the unique-name check, naming the new VM in the audit when vCenter's answer is
// lost, and putting the VM vCenter placed into the cached inventory.

// nameTaken refuses a new VM name that a VM in the cached inventory already has.
func nameTaken(s *inventory.Snapshot, name string) error {
	for _, vm := range s.VMs {
		if vm.Name == name {
			return fmt.Errorf("%w: a VM named %q already exists (%s)", models.ErrConflict, name, vm.ID)
		}
	}
	return nil
}

// failNew answers a failed create, clone or deploy. When the outcome is unknown there is no id,
// so it first finds out by name whether the VM appeared, for the audit and the re-read.
func (m *mutation) failNew(err error, name string) {
	if errors.Is(err, models.ErrOutcomeUnknown) {
		if vms, lerr := m.a.d.VCenter.ListVMs(context.WithoutCancel(m.r.Context()), vcenter.ListFilter{"names": {name}}); lerr == nil && len(vms) == 1 {
			m.vmID = vms[0].VM
		}
	}
	m.fail(err)
}

// landedOn reads the VM vCenter just placed and which of the candidate hosts it is on; the host
// is "" when either read fails.
func (a *API) landedOn(ctx context.Context, id string, candidates []string) (string, *vcenter.VMInfo) {
	info, err := a.d.VCenter.GetVM(ctx, id)
	if err != nil {
		return "", info
	}
	return a.hostOf(ctx, id, candidates), info
}

// cacheNewVM adds the new VM where vCenter put it to the cached inventory, or drops the cache
// when that cannot be read (the next read rebuilds with the VM where vCenter put it).
func (a *API) cacheNewVM(ctx context.Context, s *inventory.Snapshot, vm inventory.VM, candidates []string) {
	if host, info := a.landedOn(ctx, vm.ID, candidates); host != "" {
		a.d.Query.Inventory.AddVM(placed(vm, s, host, info))
	} else {
		a.d.Query.Inventory.Invalidate()
	}
}

// succeed records the success and answers with the VM's fresh detail.
func (m *mutation) succeed(status int, name string) {
	m.emit("success", nil)
	m.a.answerDetail(m.w, m.r, status, m.vmID, name)
}

// inventoryFor refuses a bad request body, else reads the cached inventory the checks run
// against (failing when it cannot be read).
func (m *mutation) inventoryFor(berr error) (*inventory.Snapshot, bool) {
	if berr != nil {
		m.refuse(berr)
		return nil, false
	}
	s, err := m.a.snapshot(m.r)
	if err != nil {
		m.fail(err)
		return nil, false
	}
	return s, true
}

// sourceOf finds the VM a clone or migrate starts from in the cached inventory, refusing when it
// is not there.
func (m *mutation) sourceOf(s *inventory.Snapshot, id string) (*inventory.VM, bool) {
	vm, err := sourceVM(s, id)
	if err != nil {
		m.refuse(err)
		return nil, false
	}
	return vm, true
}

// cloneSource runs the checks a clone and an instant clone share before their placement, in the
// order of docs/contracts.md §3 "Clone and migrate": role, the source id's MoRef shape, the body
// (berr), the new VM's name, the source in the cached inventory (recorded as params.sourceName).
// false means the refusal is written and audited.
func (m *mutation) cloneSource(source, name string, berr error) (*inventory.Snapshot, *inventory.VM, bool) {
	if !m.authorize() {
		return nil, nil, false
	}
	if err := vmrules.ValidateMoRef("VM", source); err != nil {
		m.refuse(err)
		return nil, nil, false
	}
	if berr == nil {
		berr = ValidateName(name)
	}
	s, ok := m.inventoryFor(berr)
	if !ok {
		return nil, nil, false
	}
	src, ok := m.sourceOf(s, source)
	if !ok {
		return nil, nil, false
	}
	m.params["sourceName"] = src.Name
	return s, src, true
}

// existingVM runs the checks of a change to the path's VM (migrate, customize) before its own:
// role, the id's MoRef shape, the body (berr), the VM in the cached inventory (its name goes into
// the audit event). false means the refusal is written and audited.
func (m *mutation) existingVM(berr error) (*inventory.Snapshot, *inventory.VM, bool) {
	if !m.authorize() || !m.checkID() {
		return nil, nil, false
	}
	s, ok := m.inventoryFor(berr)
	if !ok {
		return nil, nil, false
	}
	vm, ok := m.sourceOf(s, m.vmID)
	if !ok {
		return nil, nil, false
	}
	m.vmName = vm.Name
	return s, vm, true
}

// moverReady fails when the vCenter client cannot clone or relocate (as asked: directly or as a
// task), else records the intent; false means the answer is written.
func (m *mutation) moverReady() (Mover, Tasker, bool) {
	mv, tk := m.a.mover(), m.a.tasker()
	if mv == nil || (wantsTask(m.r) && tk == nil) {
		m.fail(errNoMover)
		return nil, nil, false
	}
	return mv, tk, m.intend()
}
