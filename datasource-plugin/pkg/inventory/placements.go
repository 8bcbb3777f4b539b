package inventory

import (
	"sync"
	"time"
)

// Placement is where one VM runs now, by the names people read. Series labels name the VM only,
// so that DRS/vMotion/HA moves keep its alert instances (docs/contracts.md §2); placements go to
// the alert relay instead, which names the host and cluster in its mails (§5).
type Placement struct {
	VMID    string
	VM      string
	Host    string
	Cluster string
}

// PlacementSink receives placements to send: after a snapshot build the VMs whose placement the
// relay has not stored yet, after the resource API moved a VM that VM. It is called synchronously
// and must not block (the relay client queues). It calls stored once the relay has stored all of
// ps, and never when it has not (dropped, failed): those VMs then go again with the next build.
type PlacementSink func(ps []Placement, stored func())

// PlacementRefresh is how long a build sends only the changed placements: the first build after
// it sends every VM again, because the relay forgets placements no push refreshed within its
// retention (RELAY_RETENTION_DAYS, at least one day) and may have lost its database.
const PlacementRefresh = time.Hour

// SetPlacementSink sets where placements go (nil: nowhere).
func (c *Cache) SetPlacementSink(f PlacementSink) {
	c.placed.mu.Lock()
	c.placed.sink = f
	c.placed.mu.Unlock()
}

// ChangedPlacements answers the placements in now that differ from stored (by VM id: a new VM, a
// move to another host or cluster, a rename), in the order of now.
func ChangedPlacements(stored map[string]Placement, now []Placement) []Placement {
	var out []Placement
	for _, p := range now {
		if old, ok := stored[p.VMID]; !ok || old != p {
			out = append(out, p)
		}
	}
	return out
}

// placementLedger remembers what the relay has stored, so that a build sends only what changed
// since (docs/contracts.md §5). It has its own lock: stored callbacks come from the sender.
type placementLedger struct {
	mu     sync.Mutex
	sink   PlacementSink
	stored map[string]Placement // by VM id: the latest placement the relay confirmed
	fullAt time.Time            // the build whose every placement the relay last confirmed; zero: none
}

// afterBuild sends the placements of a new snapshot built at `at`: all of them while the relay
// has confirmed no full push within PlacementRefresh, else those that changed since it stored them.
func (l *placementLedger) afterBuild(all []Placement, at time.Time) {
	l.mu.Lock()
	sink := l.sink
	if sink == nil {
		l.mu.Unlock()
		return
	}
	full := l.fullAt.IsZero() || at.Sub(l.fullAt) >= PlacementRefresh
	send := all
	if !full {
		send = ChangedPlacements(l.stored, all)
	}
	// A VM gone from vCenter is forgotten, so that it is sent again should it come back.
	present := make(map[string]bool, len(all))
	for _, p := range all {
		present[p.VMID] = true
	}
	for id := range l.stored {
		if !present[id] {
			delete(l.stored, id)
		}
	}
	l.mu.Unlock()
	if len(send) == 0 {
		return
	}
	sink(send, func() { l.record(send, full, at) })
}

// afterMove sends the placement of a VM that the resource API moved.
func (l *placementLedger) afterMove(p Placement) {
	l.mu.Lock()
	sink := l.sink
	l.mu.Unlock()
	if sink != nil {
		ps := []Placement{p}
		sink(ps, func() { l.record(ps, false, time.Time{}) })
	}
}

// record notes what the relay confirmed it stored.
func (l *placementLedger) record(ps []Placement, full bool, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stored == nil {
		l.stored = make(map[string]Placement, len(ps))
	}
	for _, p := range ps {
		l.stored[p.VMID] = p
	}
	if full { // confirmations come in the order of the pushes (relay.PlacementPusher)
		l.fullAt = at
	}
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
