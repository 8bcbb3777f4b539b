package inventory

import "time"

// MovedVM puts a VM that the resource API moved (vMotion through POST vms/{id}/migrate) into the
// cached snapshot and records the move in the host-change history: the next rebuild already finds
// the VM on its new host, so recordHostChanges would never see it. A move may change the VM's
// folder and resource pool, so the snapshot forgets them (the VM page looks them up until the
// next rebuild).
func (c *Cache) MovedVM(vm VM, fromHost string, at time.Time) {
	c.patch(func(s *Snapshot) *Snapshot { cp := vm; return s.WithVM(&cp).withUnplaced(vm.ID) })
	c.mu.Lock()
	snap := c.snap
	c.mu.Unlock()
	if snap != nil {
		for _, p := range placementsOf(snap, []*VM{&vm}) {
			c.placed.afterMove(p)
		}
	}
	if fromHost == "" || vm.Host == "" || fromHost == vm.Host {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.history = append(c.history, HostChange{Time: at.UTC(), VM: vm.ID, VMName: vm.Name, FromHost: fromHost, ToHost: vm.Host, Kind: "vmotion"})
	if len(c.history) > maxHistory {
		c.history = append([]HostChange(nil), c.history[len(c.history)-maxHistory:]...)
	}
}
