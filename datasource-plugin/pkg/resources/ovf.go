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

// OVF packages of the content libraries (docs/contracts.md §3 "Templates"): GET
// templates/{item}/ovf is vCenter's `filter` (EULAs, the OVF's networks), and POST
// templates/{item}/deploy of an OVF item deploys it to the root resource pool of the chosen
// cluster (or host's cluster) after the EULA is accepted and the network mappings are checked.

// OVFDeployer is what OVF packages need from vCenter.
type OVFDeployer interface {
	FilterOVF(ctx context.Context, item string, target vcenter.OVFTarget) (*vcenter.OVFSummary, error)
	DeployOVF(ctx context.Context, item string, target vcenter.OVFTarget, spec vcenter.OVFDeploymentSpec) (string, error)
}

// OVFSummary is the answer of GET templates/{item}/ovf.
type OVFSummary struct {
	Name       string   `json:"name"`
	Annotation string   `json:"annotation"`
	EULAs      []string `json:"eulas"`
	Networks   []string `json:"networks"`
	SizeBytes  int64    `json:"sizeBytes,omitempty"`
}

var errNoOVF = fmt.Errorf("%w: this vCenter client cannot deploy OVF packages", models.ErrUpstream)

func (a *API) ovfDeployer() OVFDeployer {
	d, _ := a.d.VCenter.(OVFDeployer)
	return d
}

// rootPoolOf is a cluster's root resource pool ("Resources", vCenter's name for it), else its
// first pool; "" when the cluster has none.
func rootPoolOf(s *inventory.Snapshot, cluster string) string {
	first := ""
	for _, p := range s.ResourcePools {
		if p.Cluster != cluster {
			continue
		}
		if p.Name == "Resources" {
			return p.ID
		}
		if first == "" {
			first = p.ID
		}
	}
	return first
}

// ovfTarget is the deployment target of a placement: the cluster's (or host's cluster's) root
// resource pool, the host and the folder.
func ovfTarget(s *inventory.Snapshot, p ClonePlacement) (vcenter.OVFTarget, error) {
	cluster := p.Cluster
	if p.Host != "" {
		if h := s.Host(p.Host); h != nil && cluster == "" {
			cluster = h.Cluster
		}
	}
	pool := rootPoolOf(s, cluster)
	if pool == "" {
		return vcenter.OVFTarget{}, vmrules.Invalid("choose a cluster (or a host in a cluster) for the OVF package: it deploys into the cluster's resource pool")
	}
	return vcenter.OVFTarget{ResourcePoolID: pool, HostID: p.Host, FolderID: p.Folder}, nil
}

// ovfItem reads a library item and refuses one that is not an OVF package.
func (a *API) ovfItem(ctx context.Context, item string) (*vcenter.LibraryItem, error) {
	if err := vmrules.ValidateLibraryItemID(item); err != nil {
		return nil, err
	}
	ts := a.templateSource()
	if ts == nil {
		return nil, errNoTemplates
	}
	it, err := ts.GetLibraryItem(ctx, item)
	if err != nil {
		return nil, err
	}
	if it.Type != vmrules.OVFType {
		return nil, vmrules.Invalid("library item %s is not an OVF package (its type is %s)", it.Name, it.Type)
	}
	return it, nil
}

func (a *API) ovfSummary(w http.ResponseWriter, r *http.Request) {
	it, err := a.ovfItem(r.Context(), r.PathValue("item"))
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	d := a.ovfDeployer()
	if d == nil {
		a.writeErr(w, r, errNoOVF)
		return
	}
	s, err := a.snapshot(r)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	q := r.URL.Query()
	p := ClonePlacement{Folder: q.Get("folder"), Cluster: q.Get("cluster"), Host: q.Get("host")}
	if p.Cluster == "" && p.Host == "" && len(s.Clusters) > 0 {
		p.Cluster = s.Clusters[0].ID // what the package needs does not depend on where it goes
	}
	if err := vmrules.CheckClonePlacement(vmrules.VMPlace{}, vmrules.Target{Folder: p.Folder, Cluster: p.Cluster, Host: p.Host}, estateOf(s)); err != nil {
		a.writeErr(w, r, err)
		return
	}
	target, err := ovfTarget(s, p)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	sum, err := d.FilterOVF(r.Context(), it.ID, target)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	out := OVFSummary{Name: sum.Name, Annotation: sum.Annotation, EULAs: sum.EULAs, Networks: sum.Networks, SizeBytes: it.Size}
	if out.EULAs == nil {
		out.EULAs = []string{}
	}
	if out.Networks == nil {
		out.Networks = []string{}
	}
	writeJSON(w, http.StatusOK, out)
}

// deployOVF is POST templates/{item}/deploy for an OVF item; the name, placement and the new
// name are checked by the caller.
func (a *API) deployOVF(m *mutation, s *inventory.Snapshot, it *vcenter.LibraryItem, req *DeployRequest, custom *CustomizationRequest) {
	r := m.r
	if custom != nil {
		m.refuse(vmrules.Invalid("an OVF package's guest is known only after the deploy: deploy it, then customize the VM (PUT vms/{id}/customization)"))
		return
	}
	if wantsTask(r) {
		m.refuse(vmrules.Invalid("OVF packages deploy without ?async=true (vCenter offers no task for it)"))
		return
	}
	d := a.ovfDeployer()
	if d == nil {
		m.fail(errNoOVF)
		return
	}
	target, err := ovfTarget(s, req.Placement)
	if err != nil {
		m.refuse(err)
		return
	}
	sum, err := d.FilterOVF(r.Context(), it.ID, target)
	if err != nil {
		m.fail(err)
		return
	}
	if err := vmrules.CheckOVFDeploy(len(sum.EULAs) > 0, req.AcceptEULA, sum.Networks, req.NetworkMappings, networksOf(s, target, req.Placement)); err != nil {
		m.refuse(err)
		return
	}
	m.params["acceptEula"], m.params["networkMappings"] = req.AcceptEULA, req.NetworkMappings
	if !m.intend() {
		return
	}
	spec := vcenter.OVFDeploymentSpec{Name: req.Name, AcceptAllEULA: req.AcceptEULA, NetworkMappings: req.NetworkMappings, DefaultDatastoreID: req.Placement.Datastore}
	id, err := d.DeployOVF(r.Context(), it.ID, target, spec)
	if err != nil {
		m.failNew(err, req.Name)
		return
	}
	var after func(context.Context, string, func(string)) error
	if req.PowerOn {
		after = func(ctx context.Context, vm string, step func(string)) error {
			return a.finishNew(ctx, vm, nil, true, step)
		}
	}
	a.finishSync(m, id, req.Name, after, func(ctx context.Context, id string) string {
		a.cacheNewVM(ctx, s, inventory.VM{Object: inventory.Object{ID: id, Name: req.Name}}, candidateHosts(s, estateOf(s), req.Placement.Host, req.Placement.Cluster, ""))
		return id
	})
}

// networksOf are the networks (id → name) of the target's datacenter.
func networksOf(s *inventory.Snapshot, target vcenter.OVFTarget, p ClonePlacement) map[string]string {
	dc := ""
	if c := s.Cluster(p.Cluster); c != nil {
		dc = c.Datacenter
	} else if h := s.Host(p.Host); h != nil {
		dc = h.Datacenter
	}
	out := map[string]string{}
	for _, n := range s.Networks {
		if dc == "" || n.Datacenter == dc {
			out[n.ID] = n.Name
		}
	}
	return out
}
