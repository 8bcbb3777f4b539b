package inventory

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// memVC is an in-memory vCenter with the REST list semantics we rely on: filters by moref, the
// 4,000 cap on VM lists, and host membership that tests can change (a vMotion).
type memVC struct {
	mu      sync.Mutex
	vmHost  map[string]string
	hosts   []string
	calls   []string
	builds  int
	failVMs error
}

func (m *memVC) ListDatacenters(context.Context, vcenter.ListFilter) ([]vcenter.Datacenter, error) {
	m.mu.Lock()
	m.builds++
	m.mu.Unlock()
	time.Sleep(10 * time.Millisecond)
	return []vcenter.Datacenter{{Datacenter: "datacenter-1", Name: "DC"}}, nil
}
func (m *memVC) ListClusters(context.Context, vcenter.ListFilter) ([]vcenter.Cluster, error) {
	return []vcenter.Cluster{{Cluster: "domain-c1", Name: "C1"}}, nil
}
func (m *memVC) ListHosts(_ context.Context, f vcenter.ListFilter) ([]vcenter.Host, error) {
	var out []vcenter.Host
	for _, h := range m.hosts {
		out = append(out, vcenter.Host{Host: h, Name: h + ".lab", ConnectionState: "CONNECTED"})
	}
	return out, nil
}
func (m *memVC) ListDatastores(context.Context, vcenter.ListFilter) ([]vcenter.Datastore, error) {
	return nil, nil
}
func (m *memVC) ListNetworks(context.Context, vcenter.ListFilter) ([]vcenter.Network, error) {
	return nil, nil
}
func (m *memVC) ListFolders(context.Context, vcenter.ListFilter) ([]vcenter.Folder, error) {
	return nil, nil
}
func (m *memVC) ListResourcePools(context.Context, vcenter.ListFilter) ([]vcenter.ResourcePool, error) {
	return nil, nil
}
func (m *memVC) ListVMs(_ context.Context, f vcenter.ListFilter) ([]vcenter.VMSummary, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, fmt.Sprint(f))
	if m.failVMs != nil {
		return nil, m.failVMs
	}
	var out []vcenter.VMSummary
	for vm, h := range m.vmHost {
		ps := "POWERED_ON"
		var n int
		fmt.Sscanf(vm, "vm-%d", &n)
		if n%2 == 1 {
			ps = "POWERED_OFF"
		}
		if (len(f["hosts"]) == 0 || f["hosts"][0] == h) && (len(f["power_states"]) == 0 || f["power_states"][0] == ps) {
			out = append(out, vcenter.VMSummary{VM: vm, Name: "name-" + vm, PowerState: ps})
		}
	}
	if len(out) > 4000 {
		return nil, &vcenter.APIError{Status: 500, ErrorType: "UNABLE_TO_ALLOCATE_RESOURCE", Messages: []vcenter.Message{{ID: "com.vmware.api.vcenter.vm.too_many_matches"}}}
	}
	return out, nil
}

func estate(vms, hosts int) *memVC {
	m := &memVC{vmHost: map[string]string{}}
	for h := 0; h < hosts; h++ {
		m.hosts = append(m.hosts, fmt.Sprintf("host-%d", h))
	}
	for v := 0; v < vms; v++ {
		m.vmHost[fmt.Sprintf("vm-%d", v)] = m.hosts[v%hosts]
	}
	return m
}

func TestBuildIsPerHostAndCoversLargeEstates(t *testing.T) {
	m := estate(10000, 20)
	s, err := Build(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.VMs) != 10000 {
		t.Fatalf("%d VMs, want 10000", len(s.VMs))
	}
	if len(m.calls) != 20 {
		t.Fatalf("%d VM list calls, want one per host (20)", len(m.calls))
	}
	for _, c := range m.calls {
		if c == "map[]" {
			t.Fatal("an unfiltered VM list was requested")
		}
	}
	if vm := s.VM("vm-21"); vm == nil || vm.Host != "host-1" || vm.Cluster != "domain-c1" {
		t.Fatalf("vm-21 placement %+v", vm)
	}
}

func TestSingleFlightAndTTL(t *testing.T) {
	m := estate(100, 2)
	c := NewCache(m, nil, time.Hour)
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Get(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if m.builds != 1 {
		t.Fatalf("%d builds for 10 concurrent readers, want 1", m.builds)
	}
	c.Invalidate()
	if _, err := c.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m.builds != 2 {
		t.Fatalf("%d builds after invalidate, want 2", m.builds)
	}
}

func TestHostChangesAreRecorded(t *testing.T) {
	m := estate(4, 2)
	c := NewCache(m, nil, time.Hour)
	if _, err := c.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	m.vmHost["vm-0"] = "host-1"
	m.mu.Unlock()
	c.Invalidate()
	if _, err := c.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	ch := c.HostChanges("vm-0")
	if len(ch) != 1 || ch[0].FromHost != "host-0" || ch[0].ToHost != "host-1" || ch[0].Kind != "vmotion" {
		t.Fatalf("host changes %+v", ch)
	}
	if len(c.HostChanges("vm-1")) != 0 {
		t.Fatal("vm-1 did not move")
	}
}

func TestBuildErrorIsReturnedNotCached(t *testing.T) {
	m := estate(10, 1)
	m.failVMs = fmt.Errorf("%w: boom", models.ErrUnreachable)
	c := NewCache(m, nil, time.Hour)
	if _, err := c.Get(context.Background()); err == nil {
		t.Fatal("want error")
	}
	m.failVMs = nil
	if s, err := c.Get(context.Background()); err != nil || len(s.VMs) != 10 {
		t.Fatalf("retry after failure: %v", err)
	}
}

func TestOverCapHostIsSplit(t *testing.T) {
	m := estate(4500, 1)
	s, err := Build(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.VMs) != 4500 {
		t.Fatalf("%d VMs", len(s.VMs))
	}
}
