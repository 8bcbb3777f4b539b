package resources

import (
	"net/http"
	"time"

	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

func (a *API) vmDetail(w http.ResponseWriter, r *http.Request) {
	s, err := a.snapshot(r)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	d, err := a.d.Query.Inventory.Detail(r.Context(), a.d.VCenter, s, r.PathValue("id"))
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// HostChangeEntry is one item of GET vms/{id}/history.
type HostChangeEntry struct {
	Time         time.Time `json:"time"`
	FromHost     string    `json:"fromHost"`
	FromHostName string    `json:"fromHostName"`
	ToHost       string    `json:"toHost"`
	ToHostName   string    `json:"toHostName"`
	Kind         string    `json:"kind"`
}

func (a *API) history(w http.ResponseWriter, r *http.Request) {
	s, err := a.snapshot(r)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	out := []HostChangeEntry{}
	for _, h := range a.d.Query.Inventory.HostChanges(r.PathValue("id")) {
		out = append(out, HostChangeEntry{h.Time, h.FromHost, s.Name(h.FromHost), h.ToHost, s.Name(h.ToHost), h.Kind})
	}
	writeJSON(w, http.StatusOK, out)
}

// Limits is the answer of GET vms/{id}/hardware/limits.
type Limits = vmrules.Limits

// hardwareOf is what the VM rules need from vCenter's VM info.
func hardwareOf(info *vcenter.VMInfo) vmrules.Hardware {
	return vmrules.Hardware{PowerState: info.PowerState, CPUCount: info.CPU.Count, CPUHotAdd: info.CPU.HotAddEnabled, CPUHotRemove: info.CPU.HotRemoveEnabled,
		MemoryMiB: info.Memory.SizeMiB, MemoryHotAdd: info.Memory.HotAddEnabled, MemoryHotAddLimit: info.Memory.HotAddLimitMiB}
}

// LimitsOf derives what may change from the VM's power state and hot-add flags (vmrules.LimitsOf).
func LimitsOf(id string, info *vcenter.VMInfo) Limits { return vmrules.LimitsOf(id, hardwareOf(info)) }

func (a *API) limits(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	info, err := a.d.VCenter.GetVM(r.Context(), id)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, LimitsOf(id, info))
}
