package resources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// mutation carries one VM change through role check, validation, the vCenter call and the audit.
type mutation struct {
	a      *API
	r      *http.Request
	w      http.ResponseWriter
	action string
	vmID   string
	vmName string
	params map[string]any
}

// auditTimeout bounds the relay call so that a slow relay cannot hold a VM change hostage.
const auditTimeout = 5 * time.Second

// emit writes the audit event to the plugin log (always) and to the relay (when configured).
func (m *mutation) emit(outcome string, err error) {
	ev := relay.AuditEvent{Time: m.a.d.Now().UTC().Format(time.RFC3339Nano), Action: m.action,
		VM: relay.AuditVM{ID: m.vmID, Name: m.vmName}, Params: m.params, Outcome: outcome}
	if ev.Params == nil {
		ev.Params = map[string]any{}
	}
	if u := caller(m.r); u != nil {
		ev.User = relay.AuditUser{Login: u.Login, Email: u.Email, Role: u.Role}
	}
	if err != nil {
		ev.Error = err.Error()
	}
	log.DefaultLogger.FromContext(m.r.Context()).Info("audit", "action", ev.Action, "vm", ev.VM.ID, "vmName", ev.VM.Name,
		"user", ev.User.Login, "role", ev.User.Role, "outcome", ev.Outcome, "error", ev.Error, "params", fmt.Sprint(ev.Params))
	if m.a.d.Relay == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(m.r.Context()), auditTimeout)
	defer cancel()
	if perr := m.a.d.Relay.PostAudit(ctx, ev); perr != nil {
		log.DefaultLogger.Error("audit event could not be sent to the relay", "action", ev.Action, "vm", ev.VM.ID, "error", perr)
	}
}

// refuse answers and audits a refusal.
func (m *mutation) refuse(status int, code string, err error) {
	m.emit("refused", err)
	writeError(m.w, status, code, err.Error())
}

// authorize checks the caller against the configured minimum role for the action.
func (m *mutation) authorize(min models.Role) bool {
	u := caller(m.r)
	if u == nil {
		m.refuse(http.StatusUnauthorized, "unauthenticated", errors.New("VM changes need a signed-in Grafana user; requests Grafana starts itself may only read"))
		return false
	}
	if models.Role(u.Role).Rank() < min.Rank() {
		m.refuse(http.StatusForbidden, "forbidden", fmt.Errorf("%s of a VM needs the %s role; %s is %s", m.action, min, u.Login, roleName(u.Role)))
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
		writeErr(m.w, err)
		return
	}
	outcome := "failed"
	if errors.Is(err, models.ErrInvalidInput) || errors.Is(err, models.ErrConflict) {
		outcome = "refused"
	}
	m.emit(outcome, err)
	writeErr(m.w, err)
}

func (a *API) newMutation(w http.ResponseWriter, r *http.Request, action string) *mutation {
	m := &mutation{a: a, r: r, w: w, action: action, vmID: r.PathValue("id")}
	if m.vmID != "" {
		if s, err := a.snapshot(r); err == nil {
			if vm := s.VM(m.vmID); vm != nil {
				m.vmName = vm.Name
			}
		}
	}
	return m
}

func (a *API) createVM(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, "create")
	var req CreateRequest
	berr := readBody(r, &req)
	m.vmName = req.Name
	m.params = map[string]any{"name": req.Name, "guestOS": req.GuestOS, "cpuCount": req.CPUCount, "memoryMiB": req.MemoryMiB,
		"diskGiB": req.DiskGiB, "network": req.Network, "placement": req.Placement}
	if !m.authorize(a.d.Settings.Roles.Create) {
		return
	}
	if berr != nil {
		m.refuse(http.StatusBadRequest, "bad_request", berr)
		return
	}
	s, err := a.snapshot(r)
	if err != nil {
		m.fail(err)
		return
	}
	if err := ValidateCreate(&req, s); err != nil {
		if errors.Is(err, models.ErrConflict) {
			m.refuse(http.StatusConflict, "conflict", err)
		} else {
			m.refuse(http.StatusBadRequest, "bad_request", err)
		}
		return
	}
	spec := vcenter.CreateSpec{Name: req.Name, GuestOS: req.GuestOS,
		Placement: vcenter.PlacementSpec{Folder: req.Placement.Folder, Cluster: req.Placement.Cluster, Host: req.Placement.Host, ResourcePool: req.Placement.ResourcePool, Datastore: req.Placement.Datastore},
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
	id, err := a.d.VCenter.CreateVM(r.Context(), spec)
	if err != nil {
		if errors.Is(err, models.ErrOutcomeUnknown) {
			// Without an id, find out by name whether the VM appeared.
			if vms, lerr := a.d.VCenter.ListVMs(context.WithoutCancel(r.Context()), vcenter.ListFilter{"names": {req.Name}}); lerr == nil && len(vms) == 1 {
				m.vmID = vms[0].VM
			}
		}
		m.fail(err)
		return
	}
	m.vmID = id
	a.d.Query.Inventory.Invalidate()
	m.emit("success", nil)
	writeJSON(w, http.StatusCreated, map[string]string{"id": id, "name": req.Name})
}

func (a *API) patchHardware(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, "updateHardware")
	var req HardwarePatch
	berr := readBody(r, &req)
	m.params = map[string]any{}
	if req.CPUCount != nil {
		m.params["cpuCount"] = *req.CPUCount
	}
	if req.MemoryMiB != nil {
		m.params["memoryMiB"] = *req.MemoryMiB
	}
	if !m.authorize(a.d.Settings.Roles.Edit) {
		return
	}
	if berr == nil && req.CPUCount == nil && req.MemoryMiB == nil {
		berr = invalid("give cpuCount and/or memoryMiB")
	}
	if berr == nil && req.CPUCount != nil {
		berr = ValidateCPU(*req.CPUCount)
	}
	if berr == nil && req.MemoryMiB != nil {
		berr = ValidateMemory(*req.MemoryMiB)
	}
	if berr != nil {
		m.refuse(http.StatusBadRequest, "bad_request", berr)
		return
	}
	info, err := a.d.VCenter.GetVM(r.Context(), m.vmID)
	if err != nil {
		m.fail(err)
		return
	}
	m.vmName = info.Name
	lim := LimitsOf(m.vmID, info)
	if req.CPUCount != nil && *req.CPUCount != info.CPU.Count {
		if !lim.CanChangeCPU {
			m.refuse(http.StatusConflict, "conflict", errors.New(lim.Reasons["cpu"]))
			return
		}
		if *req.CPUCount > lim.MaxCPU || *req.CPUCount < lim.MinCPU {
			m.refuse(http.StatusConflict, "conflict", fmt.Errorf("VM %s is powered on: with its hot-add/hot-remove settings the CPU count can only be %d to %d; power it off first", m.vmID, lim.MinCPU, lim.MaxCPU))
			return
		}
	}
	if req.MemoryMiB != nil && *req.MemoryMiB != info.Memory.SizeMiB {
		if !lim.CanChangeMemory {
			m.refuse(http.StatusConflict, "conflict", errors.New(lim.Reasons["memory"]))
			return
		}
		if *req.MemoryMiB < lim.MinMemoryMiB || *req.MemoryMiB > lim.MaxMemoryMiB {
			m.refuse(http.StatusConflict, "conflict", fmt.Errorf("VM %s is powered on: memory can only grow, up to %d MiB; power it off first", m.vmID, lim.MaxMemoryMiB))
			return
		}
	}
	if req.CPUCount != nil && *req.CPUCount != info.CPU.Count {
		spec := vcenter.CPUSpec{Count: *req.CPUCount}
		if info.CPU.CoresPerSocket > 0 && *req.CPUCount%info.CPU.CoresPerSocket != 0 {
			spec.CoresPerSocket = 1 // keep a valid topology when the old one no longer divides the count
		}
		if err := a.d.VCenter.PatchCPU(r.Context(), m.vmID, spec); err != nil {
			m.fail(err)
			return
		}
	}
	if req.MemoryMiB != nil && *req.MemoryMiB != info.Memory.SizeMiB {
		if err := a.d.VCenter.PatchMemory(r.Context(), m.vmID, vcenter.MemorySpec{SizeMiB: *req.MemoryMiB}); err != nil {
			m.fail(err)
			return
		}
	}
	a.d.Query.Inventory.Invalidate()
	m.emit("success", nil)
	a.vmDetail(w, r)
}

func (a *API) power(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, "power")
	var req PowerRequest
	berr := readBody(r, &req)
	m.params = map[string]any{"action": req.Action}
	if !m.authorize(a.d.Settings.Roles.Power) {
		return
	}
	if berr == nil {
		berr = ValidatePower(req.Action)
	}
	if berr != nil {
		m.refuse(http.StatusBadRequest, "bad_request", berr)
		return
	}
	var err error
	switch req.Action {
	case "shutdown", "reboot":
		err = a.d.VCenter.GuestPower(r.Context(), m.vmID, req.Action)
	default:
		err = a.d.VCenter.Power(r.Context(), m.vmID, req.Action)
	}
	if err != nil {
		m.fail(err)
		return
	}
	a.d.Query.Inventory.Invalidate()
	m.emit("success", nil)
	state := ""
	if info, err := a.d.VCenter.GetVM(r.Context(), m.vmID); err == nil {
		state = info.PowerState
	}
	writeJSON(w, http.StatusOK, map[string]string{"powerState": state})
}

func (a *API) deleteVM(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, "delete")
	var req DeleteRequest
	berr := readBody(r, &req)
	m.params = map[string]any{"confirmName": req.ConfirmName}
	if !m.authorize(a.d.Settings.Roles.Delete) {
		return
	}
	if berr != nil {
		m.refuse(http.StatusBadRequest, "bad_request", berr)
		return
	}
	info, err := a.d.VCenter.GetVM(r.Context(), m.vmID)
	if err != nil {
		m.fail(err)
		return
	}
	m.vmName = info.Name
	if req.ConfirmName != info.Name {
		m.refuse(http.StatusBadRequest, "bad_request", fmt.Errorf("%w: type the VM's exact name %q to confirm the delete", models.ErrInvalidInput, info.Name))
		return
	}
	if info.PowerState == "POWERED_ON" {
		m.refuse(http.StatusConflict, "conflict", fmt.Errorf("%w: VM %s is powered on: power it off first", models.ErrConflict, m.vmID))
		return
	}
	if err := a.d.VCenter.DeleteVM(r.Context(), m.vmID); err != nil {
		m.fail(err)
		return
	}
	a.d.Query.Inventory.Invalidate()
	m.emit("success", nil)
	w.WriteHeader(http.StatusNoContent)
}
