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
	kind := q.ResourceKind
	if kind == "" {
		kind = models.KindVM
	}
	if err := q.ValidateSelection(true); err != nil {
		return backend.DataResponse{}, err
	}
	if err := validateStatKeys(q.StatKeys); err != nil {
		return backend.DataResponse{}, err
	}
	if d.Stats == nil {
		return backend.DataResponse{}, fmt.Errorf("%w: vROps is not configured for this data source: add its URL and credentials to query metrics", models.ErrNotConfigured)
	}
	targets, missing, err := Resolve(ctx, d, kind, q.Selection)
	if err != nil {
		return backend.DataResponse{}, err
	}
	stats, err := FetchLatest(ctx, d.Stats, targets, q.StatKeys)
	if err != nil {
		return backend.DataResponse{}, err
	}
	var ids, names, vms, hosts, clusters, dcs, keys, units []string
	var values []*float64
	var times []*time.Time
	seen := map[string]bool{}
	for _, t := range targets {
		byKey := map[string]vrops.Stat{}
		for _, s := range stats[t.VropsID] {
			byKey[s.StatKey.Key] = s
			seen[s.StatKey.Key] = true
		}
		for _, k := range q.StatKeys {
			info, _ := statInfo(kind, k)
			ids, names = append(ids, t.Moref), append(names, t.Name)
			vms, hosts, clusters, dcs = append(vms, t.Labels["vm"]), append(hosts, t.Labels["host"]), append(clusters, t.Labels["cluster"]), append(dcs, t.Labels["datacenter"])
			keys, units = append(keys, k), append(units, info.Unit)
			var v *float64
			var ts *time.Time
			if s, ok := byKey[k]; ok {
				tt, vv := sortedPoints(s)
				if n := len(vv); n > 0 {
					v, ts = &vv[n-1], &tt[n-1]
				}
			}
			values, times = append(values, v), append(times, ts)
		}
	}
	if len(targets) > 0 {
		for _, k := range q.StatKeys {
			if _, known := statInfo(kind, k); !known && !seen[k] {
				return backend.DataResponse{}, fmt.Errorf("%w: vROps has no data for stat key %q on the selected %s resources: check the key", models.ErrInvalidInput, k, kind)
			}
		}
	}
	if values == nil {
		values, times = []*float64{}, []*time.Time{}
	}
	fr := data.NewFrame("latest",
		named(data.NewField("resource", nil, nz(ids)), "Resource ID"), named(data.NewField("name", nil, nz(names)), "Name"),
		named(data.NewField("vm", nil, nz(vms)), "VM"), named(data.NewField("host", nil, nz(hosts)), "Host"),
		named(data.NewField("cluster", nil, nz(clusters)), "Cluster"), named(data.NewField("datacenter", nil, nz(dcs)), "Datacenter"),
		named(data.NewField("stat", nil, nz(keys)), "Stat"), named(data.NewField("unit", nil, nz(units)), "Unit"),
		named(data.NewField("value", nil, values), "Value"), named(data.NewField("timestamp", nil, times), "Time"))
	fr.RefID = q.RefID
	fr.Meta = &data.FrameMeta{Type: data.FrameTypeTable, Notices: missingNotice(missing)}
	return backend.DataResponse{Frames: data.Frames{fr}}, nil
}

// FetchLatest sends one bulk latest-values call per chunk of ChunkSize resources with all stat
// keys, a few chunks at a time; never one call per resource.
func FetchLatest(ctx context.Context, st Stats, targets []Target, keys []string) (map[string][]vrops.Stat, error) {
	return fetchChunked(ctx, targets, func(ctx context.Context, ids []string) ([]vrops.ResourceStats, error) {
		return st.QueryLatest(ctx, ids, keys)
	})
}
