package inventory

import (
	"context"
	"errors"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"golang.org/x/sync/errgroup"
)

// A VM's folder and resource pool are not in vCenter's VM info or VM list items; only the list
// filters `folders=` and `resource_pools=` tell them (VMware vSphere Automation API, "List Virtual
// Machines"). The build lists each VM folder's and each resource pool's VMs once (one call per
// container), so the VM page reads them from the snapshot instead of asking per page
// (docs/contracts.md §3, "What a VM page costs").

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
// detail asks vCenter for them (Detail), so the build never fails for it.
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

// Containers returns the VM's folder and resource pool as the snapshot's build listed them; each is
// "" when unknown (a VM created or moved since, a container whose list failed, a VM in a vApp).
func (s *Snapshot) Containers(id string) (folder, pool string) {
	if s == nil || s.unplaced[id] {
		return "", ""
	}
	return s.vmFolder[id], s.vmPool[id]
}

// withUnplaced returns s with the VM's containers marked unknown (after a move through the
// resource API, which may change its folder and resource pool).
func (s *Snapshot) withUnplaced(id string) *Snapshot {
	if s.vmFolder[id] == "" && s.vmPool[id] == "" {
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
