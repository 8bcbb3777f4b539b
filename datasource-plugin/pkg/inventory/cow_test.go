package inventory

import (
	"context"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/vcenter"
)

func info(name, power string, cpu int, mem int64) *vcenter.VMInfo {
	i := &vcenter.VMInfo{Name: name, PowerState: power}
	i.CPU.Count = cpu
	i.Memory.SizeMiB = mem
	return i
}

func TestUpdateVMChangesOnlyThatVMWithoutRebuild(t *testing.T) {
	m := estate(100, 4)
	c := NewCache(m, nil, time.Hour)
	old, err := c.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	calls := len(m.calls)
	c.UpdateVM("vm-5", info("name-vm-5", "POWERED_ON", 8, 16384))
	s, err := c.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if m.builds != 1 || len(m.calls) != calls {
		t.Fatalf("%d builds, %d more list calls: an update must not rebuild", m.builds, len(m.calls)-calls)
	}
	vm := s.VM("vm-5")
	if vm == nil || vm.PowerState != "POWERED_ON" || vm.CPUCount != 8 || vm.MemoryMiB != 16384 || vm.Host != "host-1" || vm.Cluster != "domain-c1" {
		t.Fatalf("updated VM %+v", vm)
	}
	if o := old.VM("vm-5"); o.PowerState != "POWERED_OFF" || o.CPUCount == 8 {
		t.Fatalf("the old snapshot changed (copy-on-write broken): %+v", o)
	}
	if s.VM("vm-6") != old.VM("vm-6") {
		t.Fatal("unchanged VMs should be shared, not copied")
	}
	if len(s.VMs) != 100 || s.Host("host-1").VMCount != 25 || s.Cluster("domain-c1").VMCount != 100 || s.Cluster("domain-c1").HostCount != 4 {
		t.Fatalf("counts after update: %d VMs, host %d, cluster %d/%d", len(s.VMs), s.Host("host-1").VMCount, s.Cluster("domain-c1").VMCount, s.Cluster("domain-c1").HostCount)
	}
}

func TestRemoveAndAddVM(t *testing.T) {
	m := estate(10, 2)
	c := NewCache(m, nil, time.Hour)
	old, err := c.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c.RemoveVM("vm-3")
	s := c.Peek()
	if s.VM("vm-3") != nil || len(s.VMs) != 9 || s.Host("host-1").VMCount != 4 || old.Host("host-1").VMCount != 5 {
		t.Fatalf("after remove: %v %d host-1 %d (old %d)", s.VM("vm-3"), len(s.VMs), s.Host("host-1").VMCount, old.Host("host-1").VMCount)
	}
	if len(s.ResolveID("name-vm-3")) != 0 {
		t.Fatal("the removed VM's name still resolves")
	}
	c.AddVM(VM{Object: Object{ID: "vm-77", Name: "aaa-new"}, Host: "host-0", Cluster: "domain-c1", PowerState: "POWERED_OFF"})
	s = c.Peek()
	if s.VMs[0].ID != "vm-77" || s.Host("host-0").VMCount != 6 || s.Name("vm-77") != "aaa-new" {
		t.Fatalf("after add: first %s, host-0 %d", s.VMs[0].ID, s.Host("host-0").VMCount)
	}
	c.UpdateVM("vm-404", info("x", "POWERED_ON", 1, 4))
	if c.Peek().VM("vm-404") != nil {
		t.Fatal("an update of an unknown VM must not add it")
	}
}

// blockingVC holds the VM lists of a rebuild until released, so a change can land mid-build.
type blockingVC struct {
	*memVC
	started, release chan struct{}
}

func (b *blockingVC) ListVMs(ctx context.Context, f vcenter.ListFilter) ([]vcenter.VMSummary, error) {
	b.started <- struct{}{}
	<-b.release
	return b.memVC.ListVMs(ctx, f)
}

// TestUpdateDuringRebuildSurvives: a rebuild whose lists were read before the change must not
// overwrite it.
func TestUpdateDuringRebuildSurvives(t *testing.T) {
	b := &blockingVC{memVC: estate(4, 1), started: make(chan struct{}, 1), release: make(chan struct{})}
	c := NewCache(b, nil, time.Hour)
	go func() { <-b.started; close(b.release) }()
	if _, err := c.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Invalidate()
	b.release = make(chan struct{})
	done := make(chan error)
	go func() { _, err := c.Get(context.Background()); done <- err }()
	<-b.started
	c.UpdateVM("vm-1", info("name-vm-1", "POWERED_ON", 2, 2048))
	close(b.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if vm := c.Peek().VM("vm-1"); vm.PowerState != "POWERED_ON" || vm.MemoryMiB != 2048 {
		t.Fatalf("the change made during the rebuild was lost: %+v", vm)
	}
}
