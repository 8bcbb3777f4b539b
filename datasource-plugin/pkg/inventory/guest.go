package inventory

import (
	"context"
	"fmt"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"golang.org/x/sync/errgroup"
)

// Guest OS names and IP addresses of VMs come from vROps' latest properties, fetched once per
// inventory snapshot in bulk (one call per 1,000 VMs, at most 4 in flight): vCenter's VM list has
// neither, and asking vCenter per VM (GET /api/vcenter/vm/{vm}/guest/identity) would be 10,000
// calls. config|guestFullName is the configured guest OS as the vSphere Client names it ("Ubuntu
// Linux (64-bit)"); summary|guest|ipAddress is the primary IP that VMware Tools reports ("" when
// Tools do not run). (docs/contracts.md §3, `inventory/vms`.)

// Property keys read for every VM.
const (
	PropGuestFullName = "config|guestFullName"
	PropGuestIP       = "summary|guest|ipAddress"
)

// PropertySource is what the guest data needs from vROps.
type PropertySource interface {
	LatestProperties(ctx context.Context, ids, keys []string) (map[string]map[string]string, error)
}

// Guest is one VM's guest OS name and IP address.
type Guest struct {
	OS string
	IP string
}

// VMGuests is the guest data of one snapshot's VMs.
type VMGuests struct {
	ByVM map[string]Guest
	// Err says why guest data is missing (nil when vROps is simply not configured).
	Err  error
	snap *Snapshot
}

// Fill puts the VM's guest OS name and IP into its summary; the configured guest_OS id's name
// stays when vROps has none.
func (g *VMGuests) Fill(s *VMSummary) {
	if g == nil {
		return
	}
	if v, ok := g.ByVM[s.ID]; ok {
		if v.OS != "" {
			s.GuestOS, s.GuestOSName = v.OS, v.OS
		}
		if v.IP != "" {
			s.IP = v.IP
		}
	}
}

const propertyConcurrency = 4

// VMGuests returns the guest data for the VMs of snapshot s, fetched once per built snapshot.
// It never fails the caller: a vROps failure is logged and kept in Err.
func (c *Cache) VMGuests(ctx context.Context, s *Snapshot) *VMGuests {
	ps, ok := c.vr.(PropertySource)
	if !ok || s == nil {
		return &VMGuests{snap: s}
	}
	c.mu.Lock()
	g := c.guests
	c.mu.Unlock()
	if g != nil && g.snap.origin() == s.origin() {
		return g
	}
	v, _, _ := c.sf.Do(fmt.Sprintf("guests:%p", s.origin()), func() (any, error) {
		byVM, err := c.fetchGuests(context.WithoutCancel(ctx), ps, s)
		g := &VMGuests{ByVM: byVM, snap: s}
		if err != nil {
			g.Err = fmt.Errorf("guest OS and IP addresses are unavailable: %w", err)
			log.DefaultLogger.Warn("guest OS and IP unavailable", "error", err)
		}
		c.mu.Lock()
		c.guests = g
		c.mu.Unlock()
		return g, nil
	})
	return v.(*VMGuests)
}

func (c *Cache) fetchGuests(ctx context.Context, ps PropertySource, s *Snapshot) (map[string]Guest, error) {
	out := make(map[string]Guest, len(s.VMs))
	if len(s.VMs) == 0 {
		return out, nil
	}
	ids, err := c.IDs(ctx)
	if err != nil {
		return out, err
	}
	var rids []string
	for _, vm := range s.VMs {
		if rid := ids.ToVrops[vm.ID]; rid != "" {
			rids = append(rids, rid)
		}
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(propertyConcurrency)
	for start := 0; start < len(rids); start += 1000 {
		chunk := rids[start:min(start+1000, len(rids))]
		g.Go(func() error {
			props, err := ps.LatestProperties(gctx, chunk, []string{PropGuestFullName, PropGuestIP})
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for rid, p := range props {
				if moref := ids.ToMoref[rid]; moref != "" {
					out[moref] = Guest{OS: p[PropGuestFullName], IP: p[PropGuestIP]}
				}
			}
			return nil
		})
	}
	return out, g.Wait()
}
