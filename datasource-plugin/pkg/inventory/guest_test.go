package inventory

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/vrops"
)

// propVROps knows one VirtualMachine resource per VM of an estate and answers latest properties.
type propVROps struct {
	mu        sync.Mutex
	vms       []string
	propCalls [][]string
}

func (p *propVROps) QueryResources(context.Context, []string) ([]vrops.Resource, error) {
	var out []vrops.Resource
	for _, vm := range p.vms {
		out = append(out, res("r-"+vm, "VirtualMachine", "VMEntityObjectID", vm, "VMEntityVCID", uuid1))
	}
	return out, nil
}

func (p *propVROps) BulkRelationships(context.Context, string, []string) ([]vrops.Relation, error) {
	return nil, nil
}

func (p *propVROps) LatestProperties(_ context.Context, ids, keys []string) (map[string]map[string]string, error) {
	p.mu.Lock()
	p.propCalls = append(p.propCalls, ids)
	p.mu.Unlock()
	out := map[string]map[string]string{}
	for _, id := range ids {
		var n int
		fmt.Sscanf(id, "r-vm-%d", &n)
		m := map[string]string{PropGuestFullName: "Ubuntu Linux (64-bit)"}
		if n%2 == 0 {
			m[PropGuestIP] = fmt.Sprintf("10.0.%d.%d", n/250, n%250)
		}
		out[id] = m
	}
	return out, nil
}

func TestVMGuestsOneBulkCallPer1000VMsOncePerSnapshot(t *testing.T) {
	m := estate(2500, 5)
	pv := &propVROps{}
	for vm := range m.vmHost {
		pv.vms = append(pv.vms, vm)
	}
	c := NewCache(m, pv, time.Hour)
	s, err := c.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	g := c.VMGuests(context.Background(), s)
	if g.Err != nil {
		t.Fatal(g.Err)
	}
	if len(pv.propCalls) != 3 {
		t.Fatalf("%d property calls for 2,500 VMs, want 3", len(pv.propCalls))
	}
	for _, ids := range pv.propCalls {
		if len(ids) > 1000 {
			t.Fatalf("a call with %d ids", len(ids))
		}
	}
	sum := s.Summary(s.VM("vm-42"))
	g.Fill(&sum)
	if sum.GuestOS != "Ubuntu Linux (64-bit)" || sum.GuestOSName != "Ubuntu Linux (64-bit)" || sum.IP != "10.0.0.42" {
		t.Fatalf("summary %+v", sum)
	}
	odd := s.Summary(s.VM("vm-43"))
	g.Fill(&odd)
	if odd.IP != "" {
		t.Fatalf("IP of a VM without Tools: %q", odd.IP)
	}
	// A VM change makes a new snapshot from the same build: no new property calls.
	c.UpdateVM("vm-42", info("name-vm-42", "POWERED_ON", 2, 4096))
	c.VMGuests(context.Background(), c.Peek())
	if len(pv.propCalls) != 3 {
		t.Fatalf("%d property calls after a VM change, want still 3", len(pv.propCalls))
	}
}

func TestVMGuestsWithoutVROpsIsEmpty(t *testing.T) {
	c := NewCache(estate(3, 1), nil, time.Hour)
	s, _ := c.Get(context.Background())
	g := c.VMGuests(context.Background(), s)
	sum := s.Summary(s.VM("vm-1"))
	g.Fill(&sum)
	if g.Err != nil || sum.GuestOS != "" || sum.GuestOSName != "" || sum.IP != "" {
		t.Fatalf("%+v %v", sum, g.Err)
	}
}

// Without vROps a VM whose guest_OS id is known (after a change read it) still has the words.
func TestGuestOSNameFromIDWithoutVROps(t *testing.T) {
	c := NewCache(estate(3, 1), nil, time.Hour)
	if _, err := c.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	vi := info("name-vm-1", "POWERED_ON", 2, 4096)
	vi.GuestOS = "UBUNTU_64"
	c.UpdateVM("vm-1", vi)
	s := c.Peek()
	sum := s.Summary(s.VM("vm-1"))
	c.VMGuests(context.Background(), s).Fill(&sum)
	if sum.GuestOSName != "Ubuntu Linux (64-bit)" || sum.GuestOS != "Ubuntu Linux (64-bit)" {
		t.Fatalf("summary %+v", sum)
	}
	d := c.DetailOf(s, "vm-1", vi)
	if d.GuestOS != "UBUNTU_64" || d.GuestOSName != "Ubuntu Linux (64-bit)" {
		t.Fatalf("detail guest %q / %q", d.GuestOS, d.GuestOSName)
	}
}
