package inventory

import "time"

// HostChange is a VM seen on a different host than in the previous snapshot (vMotion, DRS, HA).
type HostChange struct {
	Time     time.Time `json:"time"`
	VM       string    `json:"vm"`
	VMName   string    `json:"vmName"`
	FromHost string    `json:"fromHost"`
	ToHost   string    `json:"toHost"`
	Kind     string    `json:"kind"`
}

func (c *Cache) recordHostChanges(old, cur *Snapshot) {
	if old == nil {
		return
	}
	for _, vm := range cur.VMs {
		prev := old.vmByID[vm.ID]
		if prev == nil || prev.Host == vm.Host || prev.Host == "" || vm.Host == "" {
			continue
		}
		kind := "vmotion"
		if h := old.hostByID[prev.Host]; h != nil && h.ConnectionState != "CONNECTED" {
			kind = "ha"
		} else if h := cur.hostByID[prev.Host]; h != nil && h.ConnectionState != "CONNECTED" {
			kind = "ha"
		}
		c.history = append(c.history, HostChange{Time: cur.Built, VM: vm.ID, VMName: vm.Name, FromHost: prev.Host, ToHost: vm.Host, Kind: kind})
	}
	if len(c.history) > maxHistory {
		c.history = append([]HostChange(nil), c.history[len(c.history)-maxHistory:]...)
	}
}

// HostChanges returns the observed host changes (oldest first), optionally for one VM.
func (c *Cache) HostChanges(vm string) []HostChange {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []HostChange{}
	for _, h := range c.history {
		if vm == "" || h.VM == vm {
			out = append(out, h)
		}
	}
	return out
}
