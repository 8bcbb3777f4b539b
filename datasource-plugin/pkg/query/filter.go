package query

import (
	"context"
	"fmt"
	"regexp"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
)

// idSet resolves names or ids to a set of ids; nil means "no constraint".
func idSet(s *inventory.Snapshot, refs []string) map[string]bool {
	if len(refs) == 0 {
		return nil
	}
	out := map[string]bool{}
	for _, r := range refs {
		for _, id := range s.ResolveID(r) {
			out[id] = true
		}
	}
	return out
}

// Filter is a compiled inventory filter.
type Filter struct {
	dc, cluster, host map[string]bool
	power             map[string]bool
	re                *regexp.Regexp
}

// CompileFilter validates and compiles an inventory filter.
func CompileFilter(s *inventory.Snapshot, f models.InventoryFilter) (*Filter, error) {
	cf := &Filter{dc: idSet(s, f.Datacenter), cluster: idSet(s, f.Cluster), host: idSet(s, f.Host)}
	if len(f.PowerState) > 0 {
		cf.power = map[string]bool{}
		for _, p := range f.PowerState {
			switch p {
			case "POWERED_ON", "POWERED_OFF", "SUSPENDED":
				cf.power[p] = true
			default:
				return nil, fmt.Errorf("%w: power state %q is unknown (use POWERED_ON, POWERED_OFF or SUSPENDED)", models.ErrInvalidInput, p)
			}
		}
	}
	if f.NameRegex != "" {
		re, err := compileRegex(f.NameRegex)
		if err != nil {
			return nil, err
		}
		cf.re = re
	}
	return cf, nil
}

func in(set map[string]bool, id string) bool { return set == nil || set[id] }

func (f *Filter) name(n string) bool { return f.re == nil || f.re.MatchString(n) }

// VM reports whether a VM passes the filter.
func (f *Filter) VM(vm *inventory.VM) bool {
	return in(f.dc, vm.Datacenter) && in(f.cluster, vm.Cluster) && in(f.host, vm.Host) && in(f.power, vm.PowerState) && f.name(vm.Name)
}

// Host reports whether a host passes the filter.
func (f *Filter) Host(h *inventory.Host) bool {
	return in(f.dc, h.Datacenter) && in(f.cluster, h.Cluster) && in(f.host, h.ID) && f.name(h.Name)
}

// Cluster reports whether a cluster passes the filter.
func (f *Filter) Cluster(c *inventory.Cluster) bool {
	return in(f.dc, c.Datacenter) && in(f.cluster, c.ID) && f.name(c.Name)
}

// DC reports whether an object of a datacenter passes (datastores, networks, folders).
func (f *Filter) DC(o *inventory.Object) bool { return in(f.dc, o.Datacenter) && f.name(o.Name) }

// Pool reports whether a resource pool passes.
func (f *Filter) Pool(p *inventory.ResourcePool) bool {
	return in(f.dc, p.Datacenter) && in(f.cluster, p.Cluster) && f.name(p.Name)
}

func snapshot(ctx context.Context, d *Deps) (*inventory.Snapshot, error) {
	return d.Inventory.Get(ctx)
}
