package query

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
)

// maxResources bounds one query's selection; larger estates should be split by cluster.
const maxResources = 20000

// Target is one resolved resource with its labels.
type Target struct {
	Moref   string
	VropsID string
	Name    string
	Labels  data.Labels
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

func labelsFor(s *inventory.Snapshot, kind string, c candidate) data.Labels {
	l := data.Labels{}
	switch kind {
	case models.KindVM:
		l["vm"] = c.name
	case models.KindDatastore:
		l["datastore"] = c.name
	}
	if c.host != "" {
		l["host"] = s.Name(c.host)
	}
	if c.cluster != "" {
		l["cluster"] = s.Name(c.cluster)
	}
	if c.dc != "" {
		l["datacenter"] = s.Name(c.dc)
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
	for _, c := range picked {
		vid := ids.ToVrops[c.id]
		if vid == "" {
			missing = append(missing, c.name)
			continue
		}
		targets = append(targets, Target{Moref: c.id, VropsID: vid, Name: c.name, Labels: labelsFor(s, kind, c)})
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
