package query

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

func latestQuery(ctx context.Context, d *Deps, q *models.Query, _ backend.DataQuery) (backend.DataResponse, error) {
	kind, err := statsTarget(q)
	if err != nil {
		return backend.DataResponse{}, err
	}
	if d.Stats == nil {
		return backend.DataResponse{}, errNoVROps("query metrics")
	}
	targets, missing, err := Resolve(ctx, d, kind, q.Selection)
	if err != nil {
		return backend.DataResponse{}, err
	}
	stats, err := FetchLatest(ctx, d.Stats, targets, q.StatKeys)
	if err != nil {
		return backend.DataResponse{}, err
	}
	frames := LatestFrames(kind, VCenterName(d), targets, q.StatKeys, stats)
	notices := missing.Notices()
	if len(targets) > 0 {
		for i, k := range q.StatKeys {
			if frames[i].Rows() > 0 && countValues(frames[i]) == 0 {
				notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
					"vROps has no value for stat key %q on any of the %d selected %s resources: check the key (the editor lists each resource's own keys)", k, len(targets), kind)})
			}
		}
	}
	for _, f := range frames {
		f.RefID = q.RefID
	}
	frames[0].Meta.Notices = notices
	return backend.DataResponse{Frames: frames}, nil
}

// LatestFrames builds one table frame per stat key (docs/contracts.md §2): a row per resource with
// its identity and placement, the newest value (null when vROps has none, so no resource vanishes)
// in a `value` field carrying the key's unit, and the sample's time. Explore shows it as a table.
func LatestFrames(kind, vcenterName string, targets []Target, keys []string, stats map[string][]vrops.Stat) data.Frames {
	frames := make(data.Frames, 0, len(keys))
	for _, k := range keys {
		info := describeStat(kind, k)
		n := len(targets)
		ids, names, vcs, hosts, clusters, dcs, statKeys := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		values, times := make([]*float64, n), make([]*time.Time, n)
		for i, t := range targets {
			ids[i], names[i], vcs[i], statKeys[i] = t.Moref, t.Name, vcenterName, k
			hosts[i], clusters[i], dcs[i] = t.Host, t.Cluster, t.Datacenter
			for _, s := range stats[t.VropsID] {
				if s.StatKey.Key != k {
					continue
				}
				tt, vv := sortedPoints(s)
				if m := len(vv); m > 0 && (times[i] == nil || !tt[m-1].Before(*times[i])) {
					v, ts := vv[m-1], tt[m-1]
					values[i], times[i] = &v, &ts
				}
			}
		}
		vf := data.NewField("value", nil, values)
		vf.Config = &data.FieldConfig{DisplayNameFromDS: info.Name, Unit: info.Unit}
		fr := data.NewFrame(info.Name,
			named(data.NewField("resource", nil, ids), "Resource ID"), named(data.NewField("name", nil, names), "Name"),
			named(data.NewField("vcenter", nil, vcs), "vCenter"),
			named(data.NewField("host", nil, hosts), "Host"), named(data.NewField("cluster", nil, clusters), "Cluster"),
			named(data.NewField("datacenter", nil, dcs), "Datacenter"), named(data.NewField("stat", nil, statKeys), "Stat"),
			vf, named(data.NewField("timestamp", nil, times), "Time"))
		fr.Meta = &data.FrameMeta{Type: data.FrameTypeTable, PreferredVisualization: data.VisTypeTable}
		frames = append(frames, fr)
	}
	return frames
}

func countValues(f *data.Frame) int {
	n := 0
	for _, fl := range f.Fields {
		if fl.Name != "value" {
			continue
		}
		for i := 0; i < fl.Len(); i++ {
			if v, ok := fl.At(i).(*float64); ok && v != nil {
				n++
			}
		}
	}
	return n
}

// FetchLatest sends one bulk latest-values call per chunk of ChunkSize resources with all stat
// keys, a few chunks at a time; never one call per resource.
func FetchLatest(ctx context.Context, st Stats, targets []Target, keys []string) (map[string][]vrops.Stat, error) {
	return fetchChunked(ctx, targets, func(ctx context.Context, ids []string) ([]vrops.ResourceStats, error) {
		return st.QueryLatest(ctx, ids, keys)
	})
}
