package resources

import (
	"context"
	"fmt"
	"net/http"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// Instant clone (docs/contracts.md §3 "Templates"): POST vms/{id}/instant-clone forks a running
// VM (vCenter `POST /api/vcenter/vm?action=instant-clone`, `VM.InstantCloneSpec`); the new VM
// runs at once on the source's host. Clone role, audited as `clone` with params.kind "instant".

// InstantCloner is what instant clone needs from vCenter.
type InstantCloner interface {
	InstantCloneVM(ctx context.Context, spec vcenter.InstantCloneSpec) (string, error)
}

// InstantClonePlacement is where an instant clone goes; parts left out are the source's.
type InstantClonePlacement struct {
	Folder       string `json:"folder,omitempty"`
	ResourcePool string `json:"resourcePool,omitempty"`
	Datastore    string `json:"datastore,omitempty"`
}

// InstantCloneRequest is the POST vms/{id}/instant-clone body.
type InstantCloneRequest struct {
	Name      string                `json:"name"`
	Placement InstantClonePlacement `json:"placement"`
}

var errNoInstantClone = fmt.Errorf("%w: this vCenter client cannot instant-clone VMs", models.ErrUpstream)

// poolsOf are the resource pools as the placement rules see them.
func poolsOf(s *inventory.Snapshot) map[string]vmrules.Place {
	out := map[string]vmrules.Place{}
	for _, p := range s.ResourcePools {
		out[p.ID] = vmrules.Place{Name: p.Name, Datacenter: p.Datacenter}
	}
	return out
}

func (a *API) instantCloneVM(w http.ResponseWriter, r *http.Request) {
	m := a.newMutation(w, r, vmrules.ActionClone)
	source := m.vmID
	var req InstantCloneRequest
	berr := readBody(r, &req)
	m.vmID, m.vmName = "", req.Name
	m.params = map[string]any{"kind": "instant", "source": source, "name": req.Name, "placement": req.Placement}
	if !m.authorize() {
		return
	}
	if err := vmrules.ValidateMoRef("VM", source); err != nil {
		m.refuse(err)
		return
	}
	if berr == nil {
		berr = ValidateName(req.Name)
	}
	s, ok := m.inventoryFor(berr)
	if !ok {
		return
	}
	src, ok := m.sourceOf(s, source)
	if !ok {
		return
	}
	m.params["sourceName"] = src.Name
	p := req.Placement
	if err := vmrules.CheckInstantClonePlacement(placeOf(src), p.Folder, p.ResourcePool, p.Datastore, estateOf(s), poolsOf(s)); err != nil {
		m.refuse(err)
		return
	}
	if err := nameTaken(s, req.Name); err != nil {
		m.refuse(err)
		return
	}
	ic, _ := a.d.VCenter.(InstantCloner)
	if ic == nil {
		m.fail(errNoInstantClone)
		return
	}
	// The power state from vCenter now: the cache may be minutes old.
	info, err := a.d.VCenter.GetVM(r.Context(), source)
	if err != nil {
		m.fail(err)
		return
	}
	if err := vmrules.CheckInstantCloneSource(src.Name, info.PowerState); err != nil {
		m.refuse(err)
		return
	}
	if !m.intend() {
		return
	}
	spec := vcenter.InstantCloneSpec{Source: source, Name: req.Name}
	if p != (InstantClonePlacement{}) {
		spec.Placement = &vcenter.InstantClonePlacementSpec{Folder: p.Folder, ResourcePool: p.ResourcePool, Datastore: p.Datastore}
	}
	id, err := ic.InstantCloneVM(r.Context(), spec)
	if err != nil {
		m.failNew(err, req.Name)
		return
	}
	a.finishSync(m, id, req.Name, nil, func(ctx context.Context, id string) string {
		a.cacheNewVM(ctx, s, inventory.VM{Object: inventory.Object{ID: id, Name: req.Name, Datacenter: src.Datacenter}}, []string{src.Host})
		return id
	})
}
