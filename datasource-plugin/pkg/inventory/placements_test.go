package inventory

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestChangedPlacements(t *testing.T) {
	web := Placement{VMID: "vm-1", VM: "web-01", Host: "esx-01", Cluster: "prod"}
	db := Placement{VMID: "vm-2", VM: "db-01", Host: "esx-02", Cluster: "prod"}
	with := func(p Placement, f func(*Placement)) Placement { f(&p); return p }
	stored := map[string]Placement{"vm-1": web, "vm-2": db}
	tests := []struct {
		name   string
		stored map[string]Placement
		now    []Placement
		want   []Placement
	}{
		{"nothing stored yet: all", nil, []Placement{web, db}, []Placement{web, db}},
		{"nothing changed: none", stored, []Placement{web, db}, nil},
		{"moved to another host", stored, []Placement{with(web, func(p *Placement) { p.Host = "esx-09" }), db}, []Placement{with(web, func(p *Placement) { p.Host = "esx-09" })}},
		{"moved to another cluster", stored, []Placement{web, with(db, func(p *Placement) { p.Cluster = "test" })}, []Placement{with(db, func(p *Placement) { p.Cluster = "test" })}},
		{"cluster gone (standalone host)", stored, []Placement{with(web, func(p *Placement) { p.Cluster = "" }), db}, []Placement{with(web, func(p *Placement) { p.Cluster = "" })}},
		{"renamed", stored, []Placement{web, with(db, func(p *Placement) { p.VM = "db-01-old" })}, []Placement{with(db, func(p *Placement) { p.VM = "db-01-old" })}},
		{"a new VM among unchanged ones", stored, []Placement{web, {VMID: "vm-3", VM: "new", Host: "esx-01"}, db}, []Placement{{VMID: "vm-3", VM: "new", Host: "esx-01"}}},
		{"a VM gone: nothing to send", stored, []Placement{db}, nil},
		{"order of now kept", map[string]Placement{}, []Placement{db, web}, []Placement{db, web}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ChangedPlacements(tc.stored, tc.now); !slices.Equal(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// relaySink records what the inventory sends and confirms it as stored while ok is true, as the
// relay pusher does after the relay's 200.
type relaySink struct {
	ok     bool
	pushes [][]Placement
}

func (r *relaySink) sink(ps []Placement, stored func()) {
	r.pushes = append(r.pushes, slices.Clone(ps))
	if r.ok {
		stored()
	}
}

// since answers the sorted VM ids of each push after the first n.
func (r *relaySink) since(n int) [][]string {
	var out [][]string
	for _, ps := range r.pushes[n:] {
		var ids []string
		for _, p := range ps {
			ids = append(ids, p.VMID)
		}
		slices.Sort(ids)
		out = append(out, ids)
	}
	return out
}

// placementCache is a cache over m whose clock the test moves, sending placements to r.
func placementCache(t *testing.T, m *memVC, r *relaySink) (*Cache, func(time.Duration)) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewCache(m, nil, time.Minute)
	c.now = func() time.Time { return now }
	c.SetPlacementSink(r.sink)
	rebuild := func(d time.Duration) {
		t.Helper()
		now = now.Add(d)
		if _, err := c.Get(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return c, rebuild
}

func moveVM(m *memVC, vm, host string) {
	m.mu.Lock()
	m.vmHost[vm] = host
	m.mu.Unlock()
}

// TestPlacementsGoToTheSinkAfterBuildsAndMoves: the first build sends every VM with its host and
// cluster names; later builds send only the VMs whose placement changed (a vMotion seen by the
// build), an identical build nothing; a VM that the resource API moved goes at once.
func TestPlacementsGoToTheSinkAfterBuildsAndMoves(t *testing.T) {
	m := estate(4, 2)
	r := &relaySink{ok: true}
	c, rebuild := placementCache(t, m, r)
	rebuild(0)
	if len(r.pushes) != 1 || len(r.pushes[0]) != 4 {
		t.Fatalf("pushes %v", r.pushes)
	}
	if i := slices.IndexFunc(r.pushes[0], func(p Placement) bool { return p.VMID == "vm-1" }); i < 0 ||
		r.pushes[0][i] != (Placement{VMID: "vm-1", VM: "name-vm-1", Host: "host-1.lab", Cluster: "C1"}) {
		t.Fatalf("first push %+v", r.pushes[0])
	}
	// A fresh snapshot is served from the cache: no build, no push.
	rebuild(time.Second)
	// A second, identical build: nothing changed, nothing sent.
	rebuild(2 * time.Minute)
	if len(r.pushes) != 1 {
		t.Fatalf("pushes after an identical build %v", r.since(1))
	}
	// DRS moves vm-1; the next build sends vm-1 only, with its new host.
	moveVM(m, "vm-1", "host-0")
	rebuild(2 * time.Minute)
	if got := r.since(1); len(got) != 1 || !slices.Equal(got[0], []string{"vm-1"}) || r.pushes[1][0].Host != "host-0.lab" {
		t.Fatalf("after the move %v %+v", got, r.pushes[1:])
	}
	// The resource API moves vm-2: that VM is sent at once, and the next build does not send it again.
	s, _ := c.Get(context.Background())
	vm := *s.VM("vm-2")
	vm.Host = "host-1"
	c.MovedVM(vm, "host-0", time.Now())
	if len(r.pushes) != 3 || len(r.pushes[2]) != 1 || r.pushes[2][0] != (Placement{VMID: "vm-2", VM: "name-vm-2", Host: "host-1.lab", Cluster: "C1"}) {
		t.Fatalf("after MovedVM %+v", r.pushes[2:])
	}
	moveVM(m, "vm-2", "host-1")
	rebuild(2 * time.Minute)
	if len(r.pushes) != 3 {
		t.Fatalf("a build after MovedVM sent %v", r.since(3))
	}
}

// TestUnconfirmedPlacementsGoAgain: what the relay did not store (the push failed or was dropped)
// goes again with the next build, together with what changed since: nothing is lost.
func TestUnconfirmedPlacementsGoAgain(t *testing.T) {
	m := estate(4, 2)
	r := &relaySink{ok: false}
	_, rebuild := placementCache(t, m, r)
	rebuild(0)
	rebuild(2 * time.Minute) // the first push failed: every VM again
	r.ok = true
	rebuild(2 * time.Minute) // stored now
	rebuild(2 * time.Minute) // nothing changed
	all := []string{"vm-0", "vm-1", "vm-2", "vm-3"}
	if got := r.since(0); len(got) != 3 || !slices.Equal(got[0], all) || !slices.Equal(got[1], all) || !slices.Equal(got[2], all) {
		t.Fatalf("pushes %v", got)
	}
	// vm-1 moves and its push fails; then vm-2 moves: the next build sends both.
	r.ok = false
	moveVM(m, "vm-1", "host-0")
	rebuild(2 * time.Minute)
	r.ok = true
	moveVM(m, "vm-2", "host-1")
	rebuild(2 * time.Minute)
	rebuild(2 * time.Minute)
	if got := r.since(3); len(got) != 2 || !slices.Equal(got[0], []string{"vm-1"}) || !slices.Equal(got[1], []string{"vm-1", "vm-2"}) {
		t.Fatalf("pushes after the failed one %v", got)
	}
}

// TestAllPlacementsAgainAfterRefresh: every PlacementRefresh a build sends every VM again (the
// relay prunes placements no push refreshed, and may have lost its database); a VM gone from
// vCenter and back is sent again.
func TestAllPlacementsAgainAfterRefresh(t *testing.T) {
	m := estate(4, 2)
	r := &relaySink{ok: true}
	_, rebuild := placementCache(t, m, r)
	rebuild(0)
	// A change stored in between does not put the refresh off.
	moveVM(m, "vm-1", "host-0")
	rebuild(PlacementRefresh / 2)
	rebuild(PlacementRefresh/2 - time.Minute)
	if got := r.since(1); len(got) != 1 || !slices.Equal(got[0], []string{"vm-1"}) {
		t.Fatalf("pushes before the refresh %v", got)
	}
	rebuild(time.Minute)
	if got := r.since(2); len(got) != 1 || len(got[0]) != 4 {
		t.Fatalf("refresh %v", got)
	}
	m.mu.Lock()
	delete(m.vmHost, "vm-3")
	m.mu.Unlock()
	rebuild(2 * time.Minute)
	moveVM(m, "vm-3", "host-1")
	rebuild(2 * time.Minute)
	if got := r.since(3); len(got) != 1 || !slices.Equal(got[0], []string{"vm-3"}) {
		t.Fatalf("a VM back in vCenter %v", got)
	}
}
