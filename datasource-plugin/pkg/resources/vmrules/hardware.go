package vmrules

import (
	"fmt"
	"strings"

	"github.com/privatecloud/vsphere/pkg/models"
)

// Limits we enforce before calling vCenter. MaxCPU 128 and MaxMemoryMiB 6,128,640 (≈5.8 TiB) are the
// contract's values (docs/contracts.md §3), inside what vSphere 7/8 allow per VM (768 vCPUs,
// 24 TB at hardware version 19+); memory must be a multiple of 4 MiB as vCenter requires.
const (
	MinCPU       = 1
	MaxCPU       = 128
	MinMemoryMiB = 4
	MaxMemoryMiB = 6128640
	MaxDiskGiB   = 62 * 1024 // VMFS maximum VMDK size, 62 TB
	MaxNameLen   = 80        // vCenter's limit for a VM name
)

// Invalid wraps models.ErrInvalidInput with a sentence.
func Invalid(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{models.ErrInvalidInput}, a...)...)
}

// conflict is a refusal because of the VM's state; its message is only the sentence.
type conflict struct{ msg string }

func (c *conflict) Error() string { return c.msg }
func (c *conflict) Unwrap() error { return models.ErrConflict }

// Conflict is an error that errors.Is models.ErrConflict and reads as the sentence alone.
func Conflict(format string, a ...any) error { return &conflict{fmt.Sprintf(format, a...)} }

// ValidateCPU checks a vCPU count.
func ValidateCPU(n int) error {
	if n < MinCPU || n > MaxCPU {
		return Invalid("CPU count %d is out of range: choose %d to %d", n, MinCPU, MaxCPU)
	}
	return nil
}

// ValidateMemory checks a memory size.
func ValidateMemory(m int64) error {
	if m < MinMemoryMiB || m > MaxMemoryMiB {
		return Invalid("memory %d MiB is out of range: choose %d to %d MiB", m, MinMemoryMiB, MaxMemoryMiB)
	}
	if m%4 != 0 {
		return Invalid("memory %d MiB is not a multiple of 4 MiB", m)
	}
	return nil
}

// Hardware is what vCenter says about a VM's power state, CPU and memory.
type Hardware struct {
	PowerState        string
	CPUCount          int
	CPUHotAdd         bool
	CPUHotRemove      bool
	MemoryMiB         int64
	MemoryHotAdd      bool
	MemoryHotAddLimit int64 // MiB; 0 when vCenter gives none
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

// PowerStateText is a power state in words ("powered on").
func PowerStateText(ps string) string { return strings.ToLower(strings.ReplaceAll(ps, "_", " ")) }

// LimitsOf derives what may change from the VM's power state and hot-add flags. Only a powered-off
// VM may change freely; otherwise CPU may grow only with hot-add and shrink only with hot-remove,
// and memory may only grow with hot-add, up to the hot-add limit (VMware: "Change CPU Hot Plug
// Settings" and "Change Memory Hot Add Settings", vSphere Virtual Machine Administration).
func LimitsOf(id string, h Hardware) Limits {
	l := Limits{PowerState: h.PowerState, CPUHotAddEnabled: h.CPUHotAdd, CPUHotRemoveEnabled: h.CPUHotRemove,
		MemoryHotAddEnabled: h.MemoryHotAdd, CPUCount: h.CPUCount, MemoryMiB: h.MemoryMiB,
		MinCPU: MinCPU, MaxCPU: MaxCPU, MinMemoryMiB: MinMemoryMiB, MaxMemoryMiB: MaxMemoryMiB, CanChangeCPU: true, CanChangeMemory: true, Reasons: map[string]string{}}
	if h.PowerState == "POWERED_OFF" {
		return l
	}
	if !h.CPUHotAdd && !h.CPUHotRemove {
		l.CanChangeCPU = false
		l.Reasons["cpu"] = fmt.Sprintf("VM %s is %s and CPU hot-add is off: power it off first", id, PowerStateText(h.PowerState))
	} else {
		if !h.CPUHotAdd {
			l.MaxCPU = h.CPUCount
		}
		if !h.CPUHotRemove {
			l.MinCPU = h.CPUCount
		}
	}
	if !h.MemoryHotAdd {
		l.CanChangeMemory = false
		l.Reasons["memory"] = fmt.Sprintf("VM %s is %s and memory hot-add is off: power it off first", id, PowerStateText(h.PowerState))
	} else {
		l.MinMemoryMiB = h.MemoryMiB // memory cannot shrink while on
		if h.MemoryHotAddLimit > 0 {
			l.MaxMemoryMiB = h.MemoryHotAddLimit
		}
	}
	return l
}

// Change is a requested hardware change; nil fields stay as they are.
type Change struct {
	CPUCount  *int
	MemoryMiB *int64
}

// CheckChange validates a change against the ranges and then against what the VM's state allows.
// It returns the parts that really change (a value equal to the current one is no change).
func CheckChange(id string, h Hardware, c Change) (Change, error) {
	if c.CPUCount == nil && c.MemoryMiB == nil {
		return Change{}, Invalid("give cpuCount and/or memoryMiB")
	}
	if c.CPUCount != nil {
		if err := ValidateCPU(*c.CPUCount); err != nil {
			return Change{}, err
		}
	}
	if c.MemoryMiB != nil {
		if err := ValidateMemory(*c.MemoryMiB); err != nil {
			return Change{}, err
		}
	}
	lim := LimitsOf(id, h)
	var out Change
	if c.CPUCount != nil && *c.CPUCount != h.CPUCount {
		if !lim.CanChangeCPU {
			return Change{}, Conflict("%s", lim.Reasons["cpu"])
		}
		if *c.CPUCount > lim.MaxCPU || *c.CPUCount < lim.MinCPU {
			return Change{}, Conflict("VM %s is %s: with its hot-add/hot-remove settings the CPU count can only be %d to %d; power it off first", id, PowerStateText(h.PowerState), lim.MinCPU, lim.MaxCPU)
		}
		out.CPUCount = c.CPUCount
	}
	if c.MemoryMiB != nil && *c.MemoryMiB != h.MemoryMiB {
		if !lim.CanChangeMemory {
			return Change{}, Conflict("%s", lim.Reasons["memory"])
		}
		if *c.MemoryMiB < lim.MinMemoryMiB || *c.MemoryMiB > lim.MaxMemoryMiB {
			return Change{}, Conflict("VM %s is %s: memory can only grow, up to %d MiB; power it off first", id, PowerStateText(h.PowerState), lim.MaxMemoryMiB)
		}
		out.MemoryMiB = c.MemoryMiB
	}
	return out, nil
}

// PowerActions are the power operations of the resource API.
var PowerActions = []string{"start", "stop", "shutdown", "reboot", "reset", "suspend"}

// ValidatePower checks a power action.
func ValidatePower(a string) error {
	for _, p := range PowerActions {
		if a == p {
			return nil
		}
	}
	return Invalid("power action %q is unknown: use start, stop, shutdown, reboot, reset or suspend", a)
}

// IsGuestOperation says whether a power action goes through VMware Tools (guest shutdown/reboot).
func IsGuestOperation(a string) bool { return a == "shutdown" || a == "reboot" }

// CheckDelete allows a delete only with the VM's exact name typed and the VM not powered on.
func CheckDelete(id, name, confirmName, powerState string) error {
	if confirmName != name {
		return Invalid("type the VM's exact name %q to confirm the delete", name)
	}
	if powerState == "POWERED_ON" {
		return Conflict("VM %s is powered on: power it off first", id)
	}
	return nil
}
