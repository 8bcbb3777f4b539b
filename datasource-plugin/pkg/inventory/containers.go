package inventory

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"golang.org/x/sync/errgroup"
)

// A VM's folder and resource pool are not in vCenter's VM info or VM list items; only the list
// filters `folders=` and `resource_pools=` tell them (VMware vSphere Automation API, "List Virtual
// Machines"). The inventory build does not list them: it is on every dashboard's path, VM pages
// are rarer. The first VM page of a datacenter after a build lists the VMs of that datacenter's VM
// folders and resource pools once (one call per container), and the pages after it read them from
// the cache (docs/contracts.md §3, "What a VM page costs").

// VMContainers is the folder and resource pool of the VMs of one built snapshot, for the
// datacenters whose containers were listed so far. The zero value and nil know nothing.
type VMContainers struct {
	snap *Snapshot

	mu  sync.Mutex
	dcs map[string]*dcContainers
}

// dcContainers is one datacenter's membership: VM → innermost folder and resource pool.
type dcContainers struct {
	folder, pool map[string]string
}

// Of returns the VM's folder and resource pool as listed for snapshot s; each is "" when unknown
// (containers not listed yet, a VM created or moved since, a container whose list failed, a VM in
// a vApp).
func (k *VMContainers) Of(s *Snapshot, id string) (folder, pool string) {
	if k == nil || s == nil || k.snap != s.origin() || s.unplaced[id] {
		return "", ""
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, dc := range k.dcs {
		if f, p := dc.folder[id], dc.pool[id]; f != "" || p != "" {
			return f, p
		}
	}
	return "", ""
}

func (k *VMContainers) listed(dc string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, ok := k.dcs[dc]
	return ok
}

// Containers returns the containers listed so far for snapshot s, without calling vCenter (for
// the answer of a VM change, DetailOf).
func (c *Cache) Containers(s *Snapshot) *VMContainers {
	if s == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if k := c.containers; k != nil && k.snap == s.origin() {
		return k
	}
	return nil
}

// ContainersOf returns the containers of snapshot s with those of datacenter dc listed: once per
// built snapshot and datacenter, shared by concurrent callers. It never fails the caller: a list
// that fails leaves its container unknown until the next build (Detail then looks the VM's
// container up).
func (c *Cache) ContainersOf(ctx context.Context, s *Snapshot, dc string) *VMContainers {
	if s == nil || dc == "" {
		return c.Containers(s)
	}
	origin := s.origin()
	if k := c.Containers(s); k != nil && k.listed(dc) {
		return k
	}
	v, _, _ := c.sf.Do(fmt.Sprintf("containers:%p:%s", origin, dc), func() (any, error) {
		c.mu.Lock()
		k := c.containers
		if k == nil || k.snap != origin {
			k = &VMContainers{snap: origin, dcs: map[string]*dcContainers{}}
			c.containers = k
		}
		c.mu.Unlock()
		if k.listed(dc) {
			return k, nil
		}
		// Detached like the other single-flight fetches: one caller giving up must not fail the others.
		got := listDatacenterContainers(context.WithoutCancel(ctx), c.vc, origin, dc)
		k.mu.Lock()
		k.dcs[dc] = got
		k.mu.Unlock()
		return k, nil
	})
	return v.(*VMContainers)
}

// listDatacenterContainers lists the VMs of the VM folders of datacenter dc and of the resource
// pools of its clusters, with the build's concurrency bound.
func listDatacenterContainers(ctx context.Context, vc VCenter, s *Snapshot, dc string) *dcContainers {
	var pools []string
	for _, p := range s.ResourcePools {
		if p.Datacenter == dc {
			pools = append(pools, p.ID)
		}
	}
	var folders, rps containerLists
	g, gctx := wave(ctx)
	listContainers(g, gctx, vc, "folders", s.vmFolders(dc), &folders)
	listContainers(g, gctx, vc, "resource_pools", pools, &rps)
	_ = g.Wait() // the lists never fail the group
	return &dcContainers{folder: innermost(folders.members), pool: innermost(rps.members)}
}

// containerLists collects, per container id, the VMs one filtered list returned.
type containerLists struct {
	mu      sync.Mutex
	members map[string][]string
}

func (l *containerLists) add(container string, vms []vcenter.VMSummary) {
	ids := make([]string, len(vms))
	for i, v := range vms {
		ids[i] = v.VM
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.members == nil {
		l.members = map[string][]string{}
	}
	l.members[container] = ids
}

// listContainers lists the VMs of every container with filter (`folders` or `resource_pools`) in
// wave g. A container whose list fails is left out: its VMs' container stays unknown and the
// detail asks vCenter for them (Detail).
func listContainers(g *errgroup.Group, ctx context.Context, vc VCenter, filter string, containers []string, into *containerLists) {
	for _, c := range containers {
		g.Go(func() error {
			vms, err := listVMsSplit(ctx, vc, vcenter.ListFilter{filter: {c}})
			if err != nil {
				if ctx.Err() == nil {
					log.DefaultLogger.Warn("container list failed; its VMs' container is looked up per VM page", "container", c, "error", err)
				}
				return nil
			}
			into.add(c, vms)
			return nil
		})
	}
}

// innermost maps each VM to the smallest container list that holds it. vCenter documents the
// filters as "folders/resource pools that must contain the virtual machine"; should a filter also
// match VMs of nested containers, an inner container's VMs are a subset of its ancestor's, so the
// smallest list holding a VM is its own container. Ties go to the lower id, so the result does not
// depend on list order.
func innermost(members map[string][]string) map[string]string {
	out := map[string]string{}
	for c, vms := range members {
		for _, vm := range vms {
			cur, ok := out[vm]
			if !ok || len(vms) < len(members[cur]) || (len(vms) == len(members[cur]) && c < cur) {
				out[vm] = c
			}
		}
	}
	return out
}

// listVMsSplit lists the VMs matching f; a list over vCenter's 4,000 cap is split by power state.
func listVMsSplit(ctx context.Context, vc VCenter, f vcenter.ListFilter) ([]vcenter.VMSummary, error) {
	vms, err := vc.ListVMs(ctx, f)
	if !errors.Is(err, models.ErrTooMany) {
		return vms, err
	}
	vms = nil
	for _, ps := range []string{"POWERED_ON", "POWERED_OFF", "SUSPENDED"} {
		part := vcenter.ListFilter{"power_states": {ps}}
		for k, v := range f {
			part[k] = v
		}
		got, err := vc.ListVMs(ctx, part)
		if err != nil {
			return nil, err
		}
		vms = append(vms, got...)
	}
	return vms, nil
}

// withUnplaced returns s with the VM's containers marked unknown (after a move through the
// resource API, which may change its folder and resource pool; lists made before it are stale).
func (s *Snapshot) withUnplaced(id string) *Snapshot {
	if s.unplaced[id] {
		return s
	}
	cp := *s
	cp.unplaced = make(map[string]bool, len(s.unplaced)+1)
	for k := range s.unplaced {
		cp.unplaced[k] = true
	}
	cp.unplaced[id] = true
	cp.from = s.origin()
	return &cp
}
