package inventory

// Placement is where one VM runs now, by the names people read. Series labels name the VM only,
// so that DRS/vMotion/HA moves keep its alert instances (docs/contracts.md §2); placements go to
// the alert relay instead, which names the host and cluster in its mails (§5).
type Placement struct {
	VMID    string
	VM      string
	Host    string
	Cluster string
}

// PlacementSink receives placements: every VM after each full snapshot build, one VM after the
// resource API moved it. It is called synchronously and must not block (the relay client queues).
type PlacementSink func(ps []Placement)

// SetPlacementSink sets where placements go (nil: nowhere).
func (c *Cache) SetPlacementSink(f PlacementSink) {
	c.mu.Lock()
	c.sink = f
	c.mu.Unlock()
}

// placementsOf answers the placements of vms in s (VMs without a host are left out: nothing to say).
func placementsOf(s *Snapshot, vms []*VM) []Placement {
	out := make([]Placement, 0, len(vms))
	for _, vm := range vms {
		if vm == nil || vm.Host == "" {
			continue
		}
		p := Placement{VMID: vm.ID, VM: vm.Name, Host: s.Name(vm.Host)}
		if vm.Cluster != "" {
			p.Cluster = s.Name(vm.Cluster)
		}
		out = append(out, p)
	}
	return out
}
