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

// Unmapped are the selected resources that have no vROps resource, by reason, so a query can say
// why they have no data (docs/contracts.md §2).
type Unmapped struct {
	// Unknown are names vROps has no resource for (a new object not collected yet).
	Unknown []string
	// Unplaced are names the id map could not place: this vCenter is not identified among the
	// several vROps monitors, or vROps lists the object more than once (docs/contracts.md §1).
	// They get no data at all, never a resource of another vCenter.
	Unplaced []string
	// Reason is the id map's notice, in words, for Unplaced.
	Reason string
}

// Len is how many selected resources are unmapped.
func (u Unmapped) Len() int { return len(u.Unknown) + len(u.Unplaced) }

// Names are all unmapped names, unplaced first.
func (u Unmapped) Names() []string { return append(append([]string(nil), u.Unplaced...), u.Unknown...) }

// Notices say why: the id map's reason for the unplaced ones, then the unknown ones.
func (u Unmapped) Notices() []data.Notice {
	var out []data.Notice
	if len(u.Unplaced) > 0 && u.Reason != "" {
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning, Text: u.Reason})
	}
	return append(out, missingNotice(u.Unknown)...)
}

// unplaced says whether the id map leaves moref without a resource for a reason of its own
// (nothing of this vCenter could be mapped, or the moref is listed twice).
func unplaced(ids *inventory.IDMap, moref string) bool {
	return ids.Notice != "" && (ids.Ambiguous[moref] || len(ids.ToVrops) == 0)
}

// Resolve turns a selection into targets (names and ids are interchangeable) and their vROps ids.
// Resources without a vROps resource are returned in missing, by reason, so the caller can say so.
func Resolve(ctx context.Context, d *Deps, kind string, sel *models.ResourceSelection) (targets []Target, missing Unmapped, err error) {
	if !models.ValidResourceKind(kind) {
		return nil, Unmapped{}, fmt.Errorf("%w: resource kind %q is unknown: use VirtualMachine, HostSystem, ClusterComputeResource or Datastore", models.ErrInvalidInput, kind)
	}
	s, err := snapshot(ctx, d)
	if err != nil {
		return nil, Unmapped{}, err
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
			return nil, Unmapped{}, fmt.Errorf("%w: no %s named or with id %s in the inventory", models.ErrInvalidInput, kind, quoteList(unknown))
		}
	case models.SelectionRegex:
		re, err := compileRegex(sel.Regex)
		if err != nil {
			return nil, Unmapped{}, err
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
			return nil, Unmapped{}, fmt.Errorf("%w: no cluster, host or datacenter named or with id %q", models.ErrInvalidInput, sel.Parent)
		}
		for _, c := range all {
			if (parents[c.dc] || parents[c.cluster] || parents[c.host]) && !parents[c.id] {
				picked = append(picked, c)
			}
		}
	}
	if len(picked) > maxResources {
		return nil, Unmapped{}, fmt.Errorf("%w: the selection has %d resources; narrow it to at most %d (for example per cluster)", models.ErrInvalidInput, len(picked), maxResources)
	}
	if len(picked) == 0 {
		return nil, Unmapped{}, nil
	}
	morefs := make([]string, len(picked))
	for i, c := range picked {
		morefs[i] = c.id
	}
	ids, err := vropsIDs(ctx, d, morefs)
	if err != nil {
		return nil, Unmapped{}, err
	}
	vc := VCenterName(d)
	for _, c := range picked {
		vid := ids.ToVrops[c.id]
		if vid == "" {
			if unplaced(ids, c.id) {
				missing.Unplaced, missing.Reason = append(missing.Unplaced, c.name), ids.Notice
			} else {
				missing.Unknown = append(missing.Unknown, c.name)
			}
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
