package inventory

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

func TestInnermostContainer(t *testing.T) {
	tests := []struct {
		name    string
		members map[string][]string
		want    map[string]string
	}{
		{"none", map[string][]string{}, map[string]string{}},
		{"one container each", map[string][]string{"group-v4": {"vm-1", "vm-2"}, "group-v5": {"vm-3"}},
			map[string]string{"vm-1": "group-v4", "vm-2": "group-v4", "vm-3": "group-v5"}},
		// Should a filter match nested containers' VMs too, the smaller (inner) list wins.
		{"nested lists", map[string][]string{"group-v3": {"vm-1", "vm-2", "vm-3"}, "group-v4": {"vm-2", "vm-3"}, "group-v9": {"vm-3"}},
			map[string]string{"vm-1": "group-v3", "vm-2": "group-v4", "vm-3": "group-v9"}},
		{"tie goes to the lower id", map[string][]string{"group-v8": {"vm-1"}, "group-v7": {"vm-1"}},
			map[string]string{"vm-1": "group-v7"}},
		{"empty container", map[string][]string{"group-v3": {}, "resgroup-5": {"vm-1"}},
			map[string]string{"vm-1": "resgroup-5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := innermost(tc.members); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("innermost = %v, want %v", got, tc.want)
			}
		})
	}
}

// containerVC is an estate of 2 hosts, 2 VM folders and 2 resource pools whose VM lists honour
// the hosts / folders / resource_pools / vms filters; tooMany names containers whose list is over
// vCenter's cap unless split by power state, failing those whose whole list fails.
type containerVC struct {
	*memVC
	folderOf, poolOf map[string]string
	tooMany          map[string]bool
	failing          map[string]bool
}

func newContainerVC() *containerVC {
	m := estate(6, 2)
	return &containerVC{memVC: m,
		folderOf: map[string]string{"vm-0": "group-v4", "vm-1": "group-v4", "vm-2": "group-v5", "vm-3": "group-v5", "vm-4": "group-v5", "vm-5": "group-v4"},
		poolOf:   map[string]string{"vm-0": "resgroup-1", "vm-1": "resgroup-2", "vm-2": "resgroup-2", "vm-3": "resgroup-1", "vm-4": "resgroup-1", "vm-5": "resgroup-2"},
	}
}

func (m *containerVC) ListFolders(context.Context, vcenter.ListFilter) ([]vcenter.Folder, error) {
	return []vcenter.Folder{{Folder: "group-v4", Name: "Production", Type: "VIRTUAL_MACHINE"}, {Folder: "group-v5", Name: "Test", Type: "VIRTUAL_MACHINE"},
		{Folder: "group-h2", Name: "host", Type: "HOST"}}, nil
}

func (m *containerVC) ListResourcePools(context.Context, vcenter.ListFilter) ([]vcenter.ResourcePool, error) {
	return []vcenter.ResourcePool{{ResourcePool: "resgroup-1", Name: "Resources"}, {ResourcePool: "resgroup-2", Name: "Batch"}}, nil
}

func (m *containerVC) ListVMs(ctx context.Context, f vcenter.ListFilter) ([]vcenter.VMSummary, error) {
	if len(f["folders"]) == 0 && len(f["resource_pools"]) == 0 {
		return m.memVC.ListVMs(ctx, f)
	}
	m.mu.Lock()
	m.calls = append(m.calls, fmt.Sprint(f))
	m.mu.Unlock()
	c := strings.Join(append(f["folders"], f["resource_pools"]...), ",")
	if m.failing[c] && len(f["vms"]) == 0 { // the container's list fails, a one-VM look-up does not
		return nil, models.ErrUpstream
	}
	if m.tooMany[c] && len(f["power_states"]) == 0 && len(f["vms"]) == 0 {
		return nil, models.ErrTooMany
	}
	var ids []string
	for vm := range m.vmHost {
		ids = append(ids, vm)
	}
	sort.Strings(ids)
	var out []vcenter.VMSummary
	for _, vm := range ids {
		in := (len(f["folders"]) == 0 || f["folders"][0] == m.folderOf[vm]) && (len(f["resource_pools"]) == 0 || f["resource_pools"][0] == m.poolOf[vm])
		if in && (len(f["vms"]) == 0 || f["vms"][0] == vm) {
			ps := "POWERED_ON"
			if vm == "vm-1" || vm == "vm-3" || vm == "vm-5" {
				ps = "POWERED_OFF"
			}
			if len(f["power_states"]) == 0 || f["power_states"][0] == ps {
				out = append(out, vcenter.VMSummary{VM: vm, Name: "name-" + vm, PowerState: ps})
			}
		}
	}
	return out, nil
}

// containerCalls are the folders= and resource_pools= VM lists made so far.
func (m *containerVC) containerCalls() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, c := range m.calls {
		if strings.Contains(c, "folders") || strings.Contains(c, "resource_pools") {
			out = append(out, c)
		}
	}
	return out
}

func TestContainersAreListedOncePerSnapshotAndDatacenter(t *testing.T) {
	ctx := context.Background()
	m := newContainerVC()
	m.tooMany = map[string]bool{"group-v5": true}
	m.failing = map[string]bool{"resgroup-2": true}
	c := NewCache(m, nil, time.Hour)
	s, err := c.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if calls := m.containerCalls(); len(calls) != 0 {
		t.Fatalf("the build listed containers: %v", calls)
	}
	if c.Containers(s) != nil {
		t.Fatal("containers known before any VM page asked")
	}
	if k := c.ContainersOf(ctx, s, ""); k != nil || len(m.containerCalls()) != 0 {
		t.Fatal("a VM without datacenter listed containers")
	}

	// Eight VM pages at once share one listing: group-v4, group-v5 (over the cap: refused, then
	// split by power state into 3), resgroup-1, resgroup-2 (fails) = 7 calls.
	var wg sync.WaitGroup
	got := make([]*VMContainers, 8)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = c.ContainersOf(ctx, s, "datacenter-1") }()
	}
	wg.Wait()
	if calls := m.containerCalls(); len(calls) != 7 {
		t.Fatalf("%d container lists, want 7: %v", len(calls), calls)
	}
	for _, k := range got[1:] {
		if k != got[0] {
			t.Fatal("concurrent callers got different container sets")
		}
	}
	var split int
	for _, call := range m.containerCalls() {
		if strings.Contains(call, "group-v5") && strings.Contains(call, "power_states") {
			split++
		}
	}
	if split != 3 {
		t.Fatalf("%d power-state lists for the capped folder, want 3 (calls %v)", split, m.containerCalls())
	}
	k := got[0]
	tests := []struct{ vm, folder, pool string }{
		{"vm-0", "group-v4", "resgroup-1"},
		{"vm-2", "group-v5", ""}, // its pool's list failed: unknown
		{"vm-3", "group-v5", "resgroup-1"},
		{"vm-5", "group-v4", ""},
		{"vm-404", "", ""},
	}
	for _, tc := range tests {
		if f, p := k.Of(s, tc.vm); f != tc.folder || p != tc.pool {
			t.Errorf("%s: containers (%q, %q), want (%q, %q)", tc.vm, f, p, tc.folder, tc.pool)
		}
	}
	// Listed once: the next page and the no-call reader get the same, without a call.
	if c.ContainersOf(ctx, s, "datacenter-1") != k || c.Containers(s) != k || len(m.containerCalls()) != 7 {
		t.Fatalf("a second page listed again: %v", m.containerCalls())
	}

	// A VM change keeps them; a move forgets that VM's only.
	changed := s.WithVM(&VM{Object: Object{ID: "vm-0", Name: "name-vm-0", Datacenter: "datacenter-1"}, PowerState: "POWERED_OFF"})
	moved := changed.withUnplaced("vm-0")
	if f, _ := k.Of(changed, "vm-0"); f != "group-v4" {
		t.Fatalf("changed VM lost its folder: %q", f)
	}
	if c.ContainersOf(ctx, moved, "datacenter-1") != k || len(m.containerCalls()) != 7 {
		t.Fatal("a derived snapshot listed again")
	}
	if f, p := k.Of(moved, "vm-0"); f != "" || p != "" {
		t.Fatalf("moved VM keeps containers %q %q", f, p)
	}
	if f, _ := k.Of(moved, "vm-3"); f != "group-v5" {
		t.Fatalf("other VM lost its folder: %q", f)
	}
	if f, _ := k.Of(s, "vm-0"); f != "group-v4" {
		t.Fatal("the older snapshot changed")
	}
	if moved.origin() != s {
		t.Fatal("the moved snapshot must keep its origin (per-snapshot caches)")
	}

	// The next build knows nothing until a VM page asks again, then lists again.
	c.Invalidate()
	s2, err := c.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := k.Of(s2, "vm-0"); len(m.containerCalls()) != 7 || c.Containers(s2) != nil || f != "" {
		t.Fatal("the rebuild listed containers or kept the old lists")
	}
	if f, _ := c.ContainersOf(ctx, s2, "datacenter-1").Of(s2, "vm-0"); f != "group-v4" || len(m.containerCalls()) != 14 {
		t.Fatalf("after the rebuild: folder %q, %d lists", f, len(m.containerCalls()))
	}
}

// detailVC counts the detail's upstream calls by kind.
type detailVC struct {
	*containerVC
	mu     sync.Mutex
	counts map[string]int
	power  map[string]string
	tools  map[string]bool
}

func (d *detailVC) count(k string) {
	d.mu.Lock()
	d.counts[k]++
	d.mu.Unlock()
}

func (d *detailVC) GetVM(_ context.Context, id string) (*vcenter.VMInfo, error) {
	d.count("vm")
	ps, ok := d.power[id]
	if !ok {
		return nil, models.ErrNotFound
	}
	return &vcenter.VMInfo{Name: "name-" + id, PowerState: ps}, nil
}

func (d *detailVC) GuestIdentity(_ context.Context, id string) (*vcenter.GuestIdentity, error) {
	d.count("identity")
	if !d.tools[id] || d.power[id] != "POWERED_ON" {
		return nil, models.ErrUpstream
	}
	g := &vcenter.GuestIdentity{HostName: id + ".lab", IPAddress: "10.0.0.1"}
	g.FullName.DefaultMessage = "Ubuntu Linux (64-bit)"
	return g, nil
}

func (d *detailVC) GuestFilesystems(context.Context, string) (map[string]vcenter.LocalFilesystem, error) {
	d.count("filesystems")
	return map[string]vcenter.LocalFilesystem{"/": {Capacity: 10, FreeSpace: 5}}, nil
}

func (d *detailVC) GuestInterfaces(context.Context, string) ([]vcenter.GuestInterface, error) {
	d.count("interfaces")
	return nil, nil
}

func (d *detailVC) ListVMs(ctx context.Context, f vcenter.ListFilter) ([]vcenter.VMSummary, error) {
	d.count("list")
	return d.containerVC.ListVMs(ctx, f)
}

func TestDetailCallsPerVM(t *testing.T) {
	m := newContainerVC()
	c := NewCache(m, nil, time.Hour)
	s, err := c.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// A VM page listed the datacenter's containers already (TestDetailFirstPageListsContainers).
	c.ContainersOf(context.Background(), s, "datacenter-1")
	// vm-0 and vm-2 are powered on in the snapshot (memVC: even numbers), vm-1 off.
	tests := []struct {
		name   string
		snap   *Snapshot
		vm     string
		power  string
		tools  bool
		want   map[string]int
		tools2 bool
	}{
		{"running with Tools", s, "vm-0", "POWERED_ON", true, map[string]int{"vm": 1, "identity": 1, "filesystems": 1, "interfaces": 1}, true},
		{"running without Tools", s, "vm-2", "POWERED_ON", false, map[string]int{"vm": 1, "identity": 1}, false},
		{"powered off", s, "vm-1", "POWERED_OFF", false, map[string]int{"vm": 1}, false},
		// The snapshot is behind: it says off, vCenter says on.
		{"started since the build", s, "vm-1", "POWERED_ON", true, map[string]int{"vm": 1, "identity": 1, "filesystems": 1, "interfaces": 1}, true},
		// The snapshot says on, vCenter says off: one identity call too many, nothing else.
		{"stopped since the build", s, "vm-2", "POWERED_OFF", true, map[string]int{"vm": 1, "identity": 1}, false},
		// Moved through the resource API: folder (2 candidates) and pool (its cluster's 2) looked up.
		{"moved since the build", s.withUnplaced("vm-1"), "vm-1", "POWERED_OFF", false, map[string]int{"vm": 1, "list": 4}, false},
		{"no snapshot yet", nil, "vm-0", "POWERED_OFF", false, map[string]int{"vm": 1}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &detailVC{containerVC: m, counts: map[string]int{}, power: map[string]string{tc.vm: tc.power}, tools: map[string]bool{tc.vm: tc.tools}}
			got, err := c.Detail(context.Background(), d, tc.snap, tc.vm)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d.counts, tc.want) {
				t.Fatalf("calls %v, want %v", d.counts, tc.want)
			}
			if got.ToolsRunning != tc.tools2 || (tc.tools2 && (got.GuestHostName != tc.vm+".lab" || len(got.GuestFilesystems) != 1)) {
				t.Fatalf("guest view %+v", got)
			}
			if tc.snap != nil && (got.Folder != m.folderOf[tc.vm] || got.ResourcePool != m.poolOf[tc.vm]) {
				t.Fatalf("containers %q %q, want %q %q", got.Folder, got.ResourcePool, m.folderOf[tc.vm], m.poolOf[tc.vm])
			}
			if tc.snap != nil && got.FolderName == "" {
				t.Fatal("folder name missing")
			}
		})
	}
	// The answer of a VM change (one vCenter read) carries the snapshot's containers too.
	if d := c.DetailOf(s, "vm-0", &vcenter.VMInfo{Name: "name-vm-0", PowerState: "POWERED_OFF"}); d.Folder != "group-v4" || d.FolderName != "Production" || d.ResourcePool != "resgroup-1" {
		t.Fatalf("DetailOf containers %q %q %q", d.Folder, d.FolderName, d.ResourcePool)
	}
	// An unknown VM: vCenter's 404 and no look-ups.
	d := &detailVC{containerVC: m, counts: map[string]int{}, power: map[string]string{}}
	if _, err := c.Detail(context.Background(), d, s, "vm-404"); err == nil || d.counts["list"] != 0 {
		t.Fatalf("unknown VM: %v, calls %v", err, d.counts)
	}
}

// The first VM page of a datacenter after a build lists its containers alongside the VM read,
// once for all pages loaded at once; the pages after it cost what TestDetailCallsPerVM says.
func TestDetailFirstPageListsContainers(t *testing.T) {
	ctx := context.Background()
	m := newContainerVC()
	d := &detailVC{containerVC: m, counts: map[string]int{}, power: map[string]string{"vm-0": "POWERED_ON", "vm-1": "POWERED_OFF", "vm-2": "POWERED_ON"},
		tools: map[string]bool{"vm-0": true}}
	c := NewCache(d, nil, time.Hour) // container lists go through d too, so they are counted
	s, err := c.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d.counts = map[string]int{}
	var wg sync.WaitGroup
	for _, id := range []string{"vm-0", "vm-1", "vm-2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := c.Detail(ctx, d, s, id); err != nil || got.Folder != m.folderOf[id] || got.ResourcePool != m.poolOf[id] {
				t.Errorf("%s: %v %+v", id, err, got)
			}
		}()
	}
	wg.Wait()
	// 2 VM folders + 2 resource pools, once; then per VM: 4 (running, Tools), 1 (off), 2 (running, no Tools).
	want := map[string]int{"list": 4, "vm": 3, "identity": 2, "filesystems": 1, "interfaces": 1}
	if !reflect.DeepEqual(d.counts, want) {
		t.Fatalf("three first pages: calls %v, want %v", d.counts, want)
	}
	d.counts = map[string]int{}
	if _, err := c.Detail(ctx, d, s, "vm-1"); err != nil || !reflect.DeepEqual(d.counts, map[string]int{"vm": 1}) {
		t.Fatalf("second page of a stopped VM: %v, calls %v", err, d.counts)
	}
}

// A container whose list failed is looked up for its VMs (the VM's other container is not).
func TestDetailFallsBackWhenAContainerListFailed(t *testing.T) {
	ctx := context.Background()
	m := newContainerVC()
	m.failing = map[string]bool{"resgroup-2": true}
	c := NewCache(m, nil, time.Hour)
	s, err := c.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.ContainersOf(ctx, s, "datacenter-1")
	d := &detailVC{containerVC: m, counts: map[string]int{}, power: map[string]string{"vm-1": "POWERED_OFF", "vm-3": "POWERED_OFF"}}
	got, err := c.Detail(ctx, d, s, "vm-1")
	if err != nil || got.Folder != "group-v4" || got.ResourcePool != "resgroup-2" {
		t.Fatalf("vm-1: %v %+v", err, got)
	}
	// The pool looked up among its cluster's 2 pools; the folder came from the lists.
	if !reflect.DeepEqual(d.counts, map[string]int{"vm": 1, "list": 2}) {
		t.Fatalf("calls %v", d.counts)
	}
	d.counts = map[string]int{}
	if _, err := c.Detail(ctx, d, s, "vm-3"); err != nil || !reflect.DeepEqual(d.counts, map[string]int{"vm": 1}) {
		t.Fatalf("vm-3 in listed containers: %v, calls %v", err, d.counts)
	}
}
