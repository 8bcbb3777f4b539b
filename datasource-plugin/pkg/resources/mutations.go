package resources

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/apierr"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// mutation carries one VM change through role check, validation, the vCenter call and the audit.
// The role is checked before anything is read (no inventory build for a refused click), and
// after the change only that VM is updated in the cached inventory (inventory/cow.go).
type mutation struct {
	a      *API
	r      *http.Request
	w      http.ResponseWriter
	action vmrules.Action
	vmID   string
	vmName string
	params map[string]any
	// op identifies this change in its audit events (intent and outcome).
	op string
}

// newOperationID is a random id for one change.
func newOperationID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// auditTimeout bounds each relay call so that a slow relay cannot hold a VM change hostage.
const auditTimeout = 5 * time.Second

// errAuditUnavailable is the answer when a change's intent cannot be recorded.
var errAuditUnavailable = fmt.Errorf("%w: VM not changed", apierr.ErrAuditUnavailable)

// event builds the audit event of this change in the given phase.
func (m *mutation) event(phase, outcome string, err error) relay.AuditEvent {
	params := make(map[string]any, len(m.params)+2)
	for k, v := range m.params {
		params[k] = v
	}
	params[relay.ParamOperation] = m.op
	params[relay.ParamPhase] = phase
	ev := relay.AuditEvent{Time: m.a.d.Now().UTC().Format(time.RFC3339Nano), Action: string(m.action),
		VM: relay.AuditVM{ID: m.vmID, Name: m.vmName}, Params: params, Outcome: outcome, VCenter: m.a.vcenterName()}
	if u := caller(m.r); u != nil {
		ev.User = relay.AuditUser{Login: u.Login, Email: u.Email, Role: u.Role}
	}
	pc := httpadapter.PluginConfigFromContext(m.r.Context())
	ev.OrgID = pc.OrgID
	if pc.DataSourceInstanceSettings != nil {
		ev.DatasourceUID = pc.DataSourceInstanceSettings.UID
	}
	if err != nil {
		ev.Error = err.Error()
	}
	return ev
}

// post writes one event to the plugin log (always) and to the relay.
func (m *mutation) post(ev relay.AuditEvent) error {
	log.DefaultLogger.FromContext(m.r.Context()).Info("audit", "action", ev.Action, "vm", ev.VM.ID, "vmName", ev.VM.Name,
		"user", ev.User.Login, "role", ev.User.Role, "outcome", ev.Outcome, "phase", ev.Params[relay.ParamPhase], "operation", m.op,
		"error", ev.Error, "params", fmt.Sprint(m.params))
	if m.a.d.Relay == nil {
		return fmt.Errorf("%w: no alert relay is configured to record it", apierr.ErrAuditUnavailable)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(m.r.Context()), auditTimeout)
	defer cancel()
	return m.a.d.Relay.PostAudit(ctx, ev)
}

// keep records an event that must not be lost: at the relay, else in the spool when there is one.
// It returns an error only when neither holds it.
func (m *mutation) keep(ev relay.AuditEvent) error {
	perr := m.post(ev)
	if perr == nil {
		m.a.deliverSpool()
		return nil
	}
	if sp := m.a.d.Spool; sp != nil {
		if serr := sp.Add(ev); serr == nil {
			log.DefaultLogger.Warn("audit event spooled: the relay did not take it", "operation", m.op, "phase", ev.Params[relay.ParamPhase], "error", perr)
			return nil
		} else {
			log.DefaultLogger.Error("audit event could not be spooled", "operation", m.op, "error", serr)
		}
	}
	log.DefaultLogger.Error("audit event could not be recorded", "action", ev.Action, "vm", ev.VM.ID, "operation", m.op, "error", perr)
	return perr
}

// emit records an outcome (success, failure, refusal) of this change.
func (m *mutation) emit(outcome string, err error) {
	_ = m.keep(m.event(relay.PhaseOutcome, outcome, err))
}

// intend records the intent before vCenter is called. Without the relay the change is refused,
// unless the settings allow changes during an audit outage (then the intent is spooled).
func (m *mutation) intend() bool {
	ev := m.event(relay.PhaseIntent, "unknown", nil)
	if err := m.post(ev); err == nil {
		m.a.deliverSpool()
		return true
	} else if m.a.d.Spool != nil && m.a.d.Settings.AuditOutage == models.AuditOutageSpool {
		if serr := m.a.d.Spool.Add(ev); serr == nil {
			log.DefaultLogger.Warn("audit intent spooled: the relay did not take it; the change goes ahead (auditOutage=spool)", "operation", m.op, "error", err)
			return true
		} else {
			log.DefaultLogger.Error("audit intent could not be spooled", "operation", m.op, "error", serr)
		}
	} else {
		log.DefaultLogger.Error("VM change refused: its audit intent could not be recorded", "action", ev.Action, "vm", ev.VM.ID, "error", err)
	}
	m.a.writeErr(m.w, m.r, errAuditUnavailable)
	return false
}

// refuse answers and audits a refusal; the status comes from the error's class.
func (m *mutation) refuse(err error) {
	m.emit("refused", err)
	m.a.writeErr(m.w, m.r, err)
}

// authorize checks the caller against the configured minimum role for the action.
func (m *mutation) authorize() bool {
	if rf := vmrules.Authorize(m.action, callerOf(m.r), m.a.d.Settings.Roles); rf != nil {
		m.emit("refused", rf)
		writeError(m.w, rf.Status, rf.Code, rf.Reason)
		return false
	}
	return true
}

// fail answers an upstream failure; a timeout becomes "outcome unknown" after re-reading the VM.
func (m *mutation) fail(err error) {
	if errors.Is(err, models.ErrOutcomeUnknown) {
		state := "could not be re-read"
		if m.vmID != "" {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(m.r.Context()), 15*time.Second)
			if info, rerr := m.a.d.VCenter.GetVM(ctx, m.vmID); rerr == nil {
				state = "now reads as " + info.PowerState + fmt.Sprintf(" with %d CPUs and %d MiB", info.CPU.Count, info.Memory.SizeMiB)
			} else if errors.Is(rerr, models.ErrNotFound) {
				state = "no longer exists"
			}
			cancel()
		}
		m.a.d.Query.Inventory.Invalidate()
		err = fmt.Errorf("%w; VM %s %s: check it before trying again", err, m.vmID, state)
		m.emit("unknown", err)
		m.a.writeErr(m.w, m.r, err)
		return
	}
	outcome := "failed"
	if c := apierr.Classify(err).Status; c == http.StatusBadRequest || c == http.StatusConflict {
		outcome = "refused"
	}
	m.emit(outcome, err)
	m.a.writeErr(m.w, m.r, err)
}

// newMutation starts a change; the VM's name for the audit comes from the cached inventory only
// (never a build).
func (a *API) newMutation(w http.ResponseWriter, r *http.Request, action vmrules.Action) *mutation {
	m := &mutation{a: a, r: r, w: w, action: action, vmID: r.PathValue("id"), op: newOperationID()}
	if s := a.d.Query.Inventory.Peek(); s != nil && m.vmID != "" {
		if vm := s.VM(m.vmID); vm != nil {
			m.vmName = vm.Name
		}
	}
	return m
}

// checkID refuses a path id that is not a VM id (it would go into vCenter's URL path).
func (m *mutation) checkID() bool {
	if err := vmrules.ValidateMoRef("VM", m.vmID); err != nil {
		m.refuse(err)
		return false
	}
	return true
}

func (a *API) createVM(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, vmrules.ActionCreate)
	var req CreateRequest
	berr := readBody(r, &req)
	m.vmName = req.Name
	m.params = map[string]any{"name": req.Name, "guestOS": req.GuestOS, "cpuCount": req.CPUCount, "memoryMiB": req.MemoryMiB,
		"diskGiB": req.DiskGiB, "network": req.Network, "placement": req.Placement}
	if !m.authorize() {
		return
	}
	s, ok := m.inventoryFor(berr)
	if !ok {
		return
	}
	if err := ValidateCreate(&req, s); err != nil {
		m.refuse(err)
		return
	}
	if !m.intend() {
		return
	}
	id, err := a.d.VCenter.CreateVM(r.Context(), createSpec(&req))
	if err != nil {
		m.failNew(err, req.Name)
		return
	}
	m.vmID = id
	a.d.Query.Inventory.AddVM(newVM(id, &req, s))
	m.emit("success", nil)
	writeJSON(w, http.StatusCreated, map[string]string{"id": id, "name": req.Name})
}

// createSpec is the vCenter create spec of a validated request.
func createSpec(req *CreateRequest) vcenter.CreateSpec {
	p := req.Placement
	spec := vcenter.CreateSpec{Name: req.Name, GuestOS: req.GuestOS,
		Placement: vcenter.PlacementSpec{Folder: p.Folder, Cluster: p.Cluster, Host: p.Host, ResourcePool: p.ResourcePool, Datastore: p.Datastore},
		CPU:       &vcenter.CPUSpec{Count: req.CPUCount, CoresPerSocket: req.CoresPerSocket}, Memory: &vcenter.MemorySpec{SizeMiB: req.MemoryMiB}}
	if req.DiskGiB > 0 {
		var d vcenter.DiskCreate
		d.NewVmdk.Capacity = req.DiskGiB << 30
		spec.Disks = []vcenter.DiskCreate{d}
	}
	if req.Network != "" {
		n := vcenter.NICCreate{Type: "VMXNET3", StartConnected: true}
		n.Backing.Network = req.Network
		n.Backing.Type = "STANDARD_PORTGROUP"
		if strings.HasPrefix(req.Network, "dvportgroup-") {
			n.Backing.Type = "DISTRIBUTED_PORTGROUP"
		}
		spec.NICs = []vcenter.NICCreate{n}
	}
	return spec
}

// newVM is the created VM as the cache holds it: vCenter creates VMs powered off, where the
// placement put it (the host is known only when one was chosen; the next rebuild fills it in).
func newVM(id string, req *CreateRequest, s *inventory.Snapshot) inventory.VM {
	p := req.Placement
	vm := inventory.VM{Object: inventory.Object{ID: id, Name: req.Name}, PowerState: "POWERED_OFF", CPUCount: req.CPUCount,
		MemoryMiB: req.MemoryMiB, GuestOS: req.GuestOS, Host: p.Host, Cluster: p.Cluster}
	if h := s.Host(p.Host); h != nil {
		vm.Cluster, vm.Datacenter = h.Cluster, h.Datacenter
	}
	for _, rp := range s.ResourcePools {
		if rp.ID == p.ResourcePool && vm.Cluster == "" {
			vm.Cluster = rp.Cluster
		}
	}
	for _, f := range s.Folders {
		if f.ID == p.Folder {
			vm.Datacenter = f.Datacenter
		}
	}
	return vm
}

func (a *API) patchHardware(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, vmrules.ActionEdit)
	var req HardwarePatch
	berr := readBody(r, &req)
	m.params = map[string]any{}
	if req.CPUCount != nil {
		m.params["cpuCount"] = *req.CPUCount
	}
	if req.MemoryMiB != nil {
		m.params["memoryMiB"] = *req.MemoryMiB
	}
	if !m.authorize() || !m.checkID() {
		return
	}
	if berr == nil && req.CPUCount == nil && req.MemoryMiB == nil {
		berr = vmrules.Invalid("give cpuCount and/or memoryMiB")
	}
	if berr == nil && req.CPUCount != nil {
		berr = vmrules.ValidateCPU(*req.CPUCount)
	}
	if berr == nil && req.MemoryMiB != nil {
		berr = vmrules.ValidateMemory(*req.MemoryMiB)
	}
	if berr != nil {
		m.refuse(berr)
		return
	}
	info, err := a.d.VCenter.GetVM(r.Context(), m.vmID)
	if err != nil {
		m.fail(err)
		return
	}
	m.vmName = info.Name
	// The values the request changes, as this read saw them, so the audit can say "4 → 8 GiB"
	// (docs/contracts.md §3, Audit).
	before := map[string]any{}
	if req.CPUCount != nil {
		before["cpuCount"] = info.CPU.Count
	}
	if req.MemoryMiB != nil {
		before["memoryMiB"] = info.Memory.SizeMiB
	}
	m.params["before"] = before
	change, err := vmrules.CheckChange(m.vmID, hardwareOf(info), vmrules.Change{CPUCount: req.CPUCount, MemoryMiB: req.MemoryMiB})
	if err != nil {
		m.refuse(err)
		return
	}
	if change.CPUCount == nil && change.MemoryMiB == nil {
		// Nothing changes: no intent, no vCenter call.
		m.emit("success", nil)
		writeJSON(w, http.StatusOK, a.d.Query.Inventory.DetailOf(a.d.Query.Inventory.Peek(), m.vmID, info))
		return
	}
	if !m.intend() {
		return
	}
	if change.CPUCount != nil {
		spec := vcenter.CPUSpec{Count: *change.CPUCount}
		if info.CPU.CoresPerSocket > 0 && *change.CPUCount%info.CPU.CoresPerSocket != 0 {
			spec.CoresPerSocket = 1 // keep a valid topology when the old one no longer divides the count
		}
		if err := a.d.VCenter.PatchCPU(r.Context(), m.vmID, spec); err != nil {
			m.fail(err)
			return
		}
		info.CPU.Count = spec.Count
		if spec.CoresPerSocket > 0 {
			info.CPU.CoresPerSocket = spec.CoresPerSocket
		}
	}
	if change.MemoryMiB != nil {
		if err := a.d.VCenter.PatchMemory(r.Context(), m.vmID, vcenter.MemorySpec{SizeMiB: *change.MemoryMiB}); err != nil {
			m.fail(err)
			return
		}
		info.Memory.SizeMiB = *change.MemoryMiB
	}
	// vCenter accepted the change: the read before it plus the change is the VM now.
	a.d.Query.Inventory.UpdateVM(m.vmID, info)
	m.emit("success", nil)
	writeJSON(w, http.StatusOK, a.d.Query.Inventory.DetailOf(a.d.Query.Inventory.Peek(), m.vmID, info))
}

func (a *API) power(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, vmrules.ActionPower)
	var req PowerRequest
	berr := readBody(r, &req)
	m.params = map[string]any{"action": req.Action}
	if !m.authorize() || !m.checkID() {
		return
	}
	if berr == nil {
		berr = vmrules.ValidatePower(req.Action)
	}
	if berr != nil {
		m.refuse(berr)
		return
	}
	if !m.intend() {
		return
	}
	var err error
	if vmrules.IsGuestOperation(req.Action) {
		err = a.d.VCenter.GuestPower(r.Context(), m.vmID, req.Action)
	} else {
		err = a.d.VCenter.Power(r.Context(), m.vmID, req.Action)
	}
	if err != nil {
		m.fail(err)
		return
	}
	m.emit("success", nil)
	state := ""
	if info, err := a.d.VCenter.GetVM(r.Context(), m.vmID); err == nil {
		state = info.PowerState
		a.d.Query.Inventory.UpdateVM(m.vmID, info)
	} else {
		a.d.Query.Inventory.Invalidate()
	}
	writeJSON(w, http.StatusOK, map[string]string{"powerState": state})
}

func (a *API) deleteVM(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, vmrules.ActionDelete)
	var req DeleteRequest
	berr := readBody(r, &req)
	m.params = map[string]any{"confirmName": req.ConfirmName}
	if !m.authorize() || !m.checkID() {
		return
	}
	if berr != nil {
		m.refuse(berr)
		return
	}
	info, err := a.d.VCenter.GetVM(r.Context(), m.vmID)
	if err != nil {
		m.fail(err)
		return
	}
	m.vmName = info.Name
	if err := vmrules.CheckDelete(m.vmID, info.Name, req.ConfirmName, info.PowerState); err != nil {
		m.refuse(err)
		return
	}
	if !m.intend() {
		return
	}
	if err := a.d.VCenter.DeleteVM(r.Context(), m.vmID); err != nil {
		m.fail(err)
		return
	}
	a.d.Query.Inventory.RemoveVM(m.vmID)
	m.emit("success", nil)
	w.WriteHeader(http.StatusNoContent)
}
