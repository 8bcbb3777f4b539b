package query

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
)

// maxResources bounds one query's selection; larger estates should be split by cluster.
const maxResources = 20000

// Target is one resolved resource: its series labels (identity only) and where it runs.
type Target struct {
	Moref   string
	VropsID string
	Name    string
	// Labels identify the object only (docs/contracts.md §2): they stay the same when DRS,
	// vMotion or HA moves a VM, so an alert instance survives the move.
	Labels data.Labels
	// Placement names at query time (empty when not applicable): fields, never labels.
	Host, Cluster, Datacenter string
}

type candidate struct {
	id, name, dc, cluster, host string
}

func candidates(s *inventory.Snapshot, kind string) []candidate {
	var out []candidate
	switch kind {
	case models.KindVM:
		for _, v := range s.VMs {
			out = append(out, candidate{v.ID, v.Name, v.Datacenter, v.Cluster, v.Host})
		}
	case models.KindHost:
		for _, h := range s.Hosts {
			out = append(out, candidate{h.ID, h.Name, h.Datacenter, h.Cluster, h.ID})
		}
	case models.KindCluster:
		for _, c := range s.Clusters {
			out = append(out, candidate{c.ID, c.Name, c.Datacenter, c.ID, ""})
		}
	case models.KindDatastore:
		for _, d := range s.Datastores {
			out = append(out, candidate{d.ID, d.Name, d.Datacenter, "", ""})
		}
	}
	return out
}

// labelsFor is the identity of one object's series: the vCenter, and the VM's name and id, or
// the host's, cluster's or datastore's name. Where a VM runs is not part of it.
func labelsFor(vcenterName, kind string, c candidate) data.Labels {
	l := data.Labels{}
	if vcenterName != "" {
		l["vcenter"] = vcenterName
	}
	switch kind {
	case models.KindVM:
		l["vm"], l["vm_id"] = c.name, c.id
	case models.KindHost:
		l["host"] = c.name
	case models.KindCluster:
		l["cluster"] = c.name
	case models.KindDatastore:
		l["datastore"] = c.name
	}
	return l
}

// Resolve turns a selection into targets (names and ids are interchangeable) and their vROps ids.
// Resources that vROps does not know are returned in missing, so the caller can say so.
func Resolve(ctx context.Context, d *Deps, kind string, sel *models.ResourceSelection) (targets []Target, missing []string, err error) {
	if !models.ValidResourceKind(kind) {
		return nil, nil, fmt.Errorf("%w: resource kind %q is unknown: use VirtualMachine, HostSystem, ClusterComputeResource or Datastore", models.ErrInvalidInput, kind)
	}
	s, err := snapshot(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	all := candidates(s, kind)
	var picked []candidate
	switch sel.Mode {
	case models.SelectionIDs, "":
		want := map[string]bool{}
		for _, r := range sel.IDs {
			want[r] = true
		}
		found := map[string]bool{}
		for _, c := range all {
			if want[c.id] || want[c.name] {
				picked = append(picked, c)
				found[c.id], found[c.name] = true, true
			}
		}
		var unknown []string
		for _, r := range sel.IDs {
			if !found[r] {
				unknown = append(unknown, r)
			}
		}
		if len(unknown) > 0 {
			return nil, nil, fmt.Errorf("%w: no %s named or with id %s in the inventory", models.ErrInvalidInput, kind, quoteList(unknown))
		}
	case models.SelectionRegex:
		re, err := compileRegex(sel.Regex)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range all {
			if re.MatchString(c.name) {
				picked = append(picked, c)
			}
		}
	case models.SelectionUnder:
		parents := map[string]bool{}
		for _, id := range s.ResolveID(sel.Parent) {
			parents[id] = true
		}
		if len(parents) == 0 {
			return nil, nil, fmt.Errorf("%w: no cluster, host or datacenter named or with id %q", models.ErrInvalidInput, sel.Parent)
		}
		for _, c := range all {
			if (parents[c.dc] || parents[c.cluster] || parents[c.host]) && !parents[c.id] {
				picked = append(picked, c)
			}
		}
	}
	if len(picked) > maxResources {
		return nil, nil, fmt.Errorf("%w: the selection has %d resources; narrow it to at most %d (for example per cluster)", models.ErrInvalidInput, len(picked), maxResources)
	}
	if len(picked) == 0 {
		return nil, nil, nil
	}
	morefs := make([]string, len(picked))
	for i, c := range picked {
		morefs[i] = c.id
	}
	ids, err := vropsIDs(ctx, d, morefs)
	if err != nil {
		return nil, nil, err
	}
	vc := VCenterName(d)
	for _, c := range picked {
		vid := ids.ToVrops[c.id]
		if vid == "" {
			missing = append(missing, c.name)
			continue
		}
		t := Target{Moref: c.id, VropsID: vid, Name: c.name, Labels: labelsFor(vc, kind, c), Datacenter: nameOf(s, c.dc)}
		if kind == models.KindVM || kind == models.KindHost {
			t.Host, t.Cluster = nameOf(s, c.host), nameOf(s, c.cluster)
		}
		targets = append(targets, t)
	}
	sort.SliceStable(targets, func(i, j int) bool {
		if targets[i].Name != targets[j].Name {
			return targets[i].Name < targets[j].Name
		}
		return targets[i].Moref < targets[j].Moref
	})
	return targets, missing, nil
}

// vropsIDs returns the moref ⇄ vROps id map, refreshed once when one of morefs is not in it.
func vropsIDs(ctx context.Context, d *Deps, morefs []string) (*inventory.IDMap, error) {
	ids, err := d.Inventory.IDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range morefs {
		if ids.ToVrops[m] == "" {
			// An object created since the map was built: refresh it once (rate-limited by the cache).
			if fresh, err := d.Inventory.RefreshIDs(ctx); err == nil {
				ids = fresh
			}
			break
		}
	}
	return ids, nil
}

func quoteList(a []string) string {
	q := make([]string, len(a))
	for i, s := range a {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// notFoundNotices explains missing resources: first why the id map could not place some or all
// of this vCenter's objects in vROps (several vCenters and no way to tell ours, an object listed
// twice; docs/contracts.md §1), then which selected resources have no vROps resource.
func notFoundNotices(ctx context.Context, d *Deps, missing []string) []data.Notice {
	if len(missing) == 0 {
		return nil
	}
	var out []data.Notice
	if ids, err := d.Inventory.IDs(ctx); err == nil && ids.Notice != "" {
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning, Text: ids.Notice})
		if len(ids.ToVrops) == 0 {
			return out // nothing is mapped: "not known to vROps yet" would be wrong
		}
	}
	return append(out, missingNotice(missing)...)
}

func missingNotice(missing []string) []data.Notice {
	if len(missing) == 0 {
		return nil
	}
	shown := missing
	if len(shown) > 10 {
		shown = shown[:10]
	}
	return []data.Notice{{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf("%d selected resources are not known to vROps yet (e.g. %s); they have no metrics", len(missing), strings.Join(shown, ", "))}}
}

func nameOf(s *inventory.Snapshot, id string) string {
	if id == "" {
		return ""
	}
	return s.Name(id)
}

// VCenterName is the `vcenter` label of every series: Deps.VCenterName when set, else the host
// (and base path, when the vCenter is served under one) of the data source's vCenter URL.
func VCenterName(d *Deps) string {
	if d.VCenterName != "" {
		return d.VCenterName
	}
	if b, ok := d.VCenter.(interface{ BaseURL() string }); ok {
		return VCenterLabel(b.BaseURL())
	}
	return ""
}

// VCenterLabel turns a vCenter URL into a short, stable name: lower-case host[:port] plus the
// base path without a trailing /api ("https://VC01.example.com/" → "vc01.example.com",
// "http://127.0.0.1:8989/vc/2" → "127.0.0.1:8989/vc/2").
func VCenterLabel(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return strings.ToLower(strings.TrimRight(raw, "/"))
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/api")
	return strings.ToLower(u.Host) + p
}
