package query

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vrops"
	"golang.org/x/sync/errgroup"
)

// ChunkSize is the number of resource ids per bulk stats call: vROps handles at most about 1,000
// ids per stats call (vrops-suite-api.md §7).
const ChunkSize = 1000

// chunkConcurrency bounds parallel bulk calls per query.
const chunkConcurrency = 4

// collection is vROps' collection cycle; no finer history exists.
const collection = 5 * time.Minute

// maxPoints bounds the points per series so a year at 5 minutes cannot exhaust memory.
const maxPoints = 11000

var intervalPattern = regexp.MustCompile(`^(\d+)(m|h|d)$`)

// Interval is a vROps bucket.
type Interval struct {
	Type       string
	Quantifier int
	Duration   time.Duration
}

// ParseInterval reads `auto` (Grafana's interval snapped up to whole 5-minute cycles) or `5m`, `1h`, `1d`.
func ParseInterval(s string, grafana time.Duration) (Interval, error) {
	var d time.Duration
	if s == "" || s == "auto" {
		d = grafana
		if d < collection {
			d = collection
		}
		d = ((d + collection - 1) / collection) * collection
	} else {
		m := intervalPattern.FindStringSubmatch(s)
		if m == nil {
			return Interval{}, fmt.Errorf("%w: interval %q is not valid: use auto or a number with m, h or d such as 5m, 1h, 1d", models.ErrInvalidInput, s)
		}
		n, err := strconv.Atoi(m[1])
		if err != nil || n <= 0 || n > 100000 {
			return Interval{}, fmt.Errorf("%w: interval %q is out of range", models.ErrInvalidInput, s)
		}
		unit := map[string]time.Duration{"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
		d = time.Duration(n) * unit
		if d < collection || d%collection != 0 {
			return Interval{}, fmt.Errorf("%w: interval %q must be a multiple of vROps' 5-minute collection cycle", models.ErrInvalidInput, s)
		}
	}
	mins := int(d / time.Minute)
	switch {
	case mins%1440 == 0:
		return Interval{"DAYS", mins / 1440, d}, nil
	case mins%60 == 0:
		return Interval{"HOURS", mins / 60, d}, nil
	}
	return Interval{"MINUTES", mins, d}, nil
}

func parseRollUp(s string) (string, error) {
	switch s {
	case "", "AVG":
		return "AVG", nil
	case "MAX", "MIN", "LATEST":
		return s, nil
	}
	return "", fmt.Errorf("%w: roll-up %q is unknown: use AVG, MAX, MIN or LATEST", models.ErrInvalidInput, s)
}

func metricsQuery(ctx context.Context, d *Deps, q *models.Query, dq backend.DataQuery) (backend.DataResponse, error) {
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
	rollUp, err := parseRollUp(q.RollUp)
	if err != nil {
		return backend.DataResponse{}, err
	}
	iv, err := ParseInterval(q.Interval, dq.Interval)
	if err != nil {
		return backend.DataResponse{}, err
	}
	from, to := dq.TimeRange.From, dq.TimeRange.To
	if !to.After(from) {
		return backend.DataResponse{}, fmt.Errorf("%w: the time range is empty", models.ErrInvalidInput)
	}
	if pts := int64(to.Sub(from) / iv.Duration); pts > maxPoints {
		return backend.DataResponse{}, fmt.Errorf("%w: %d points per series is too many: choose a larger interval than %s", models.ErrInvalidInput, pts, iv.Duration)
	}
	if d.Stats == nil {
		return backend.DataResponse{}, fmt.Errorf("%w: vROps is not configured for this data source: add its URL and credentials to query metrics", models.ErrNotConfigured)
	}
	targets, missing, err := Resolve(ctx, d, kind, q.Selection)
	if err != nil {
		return backend.DataResponse{}, err
	}
	stats, err := FetchStats(ctx, d.Stats, targets, q.StatKeys, vrops.StatsQuery{
		Begin: from.UnixMilli(), End: to.UnixMilli(), RollUpType: rollUp, IntervalType: iv.Type, IntervalQuantifier: iv.Quantifier,
	})
	if err != nil {
		return backend.DataResponse{}, err
	}
	frames, err := MetricFrames(kind, targets, q.StatKeys, stats)
	if err != nil {
		return backend.DataResponse{}, err
	}
	for _, f := range frames {
		f.RefID = q.RefID
	}
	if len(frames) > 0 {
		frames[0].Meta.Notices = missingNotice(missing)
	} else if n := missingNotice(missing); n != nil {
		fr := data.NewFrame("", data.NewField("time", nil, []time.Time{}), data.NewField("value", nil, []float64{}))
		fr.RefID = q.RefID
		fr.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, Notices: n}
		frames = append(frames, fr)
	}
	return backend.DataResponse{Frames: frames}, nil
}

// FetchStats sends one bulk call per chunk of ChunkSize resources with all stat keys, a few
// chunks at a time; never one call per resource.
func FetchStats(ctx context.Context, st Stats, targets []Target, keys []string, base vrops.StatsQuery) (map[string][]vrops.Stat, error) {
	return fetchChunked(ctx, targets, func(ctx context.Context, ids []string) ([]vrops.ResourceStats, error) {
		q := base
		q.ResourceID, q.StatKey = ids, keys
		return st.QueryStats(ctx, q)
	})
}

// fetchChunked calls fetch once per chunk of ChunkSize resources' vROps ids, at most
// chunkConcurrency chunks at a time, and gathers the stats by vROps resource id. The first error
// cancels the other chunks and is returned.
func fetchChunked(ctx context.Context, targets []Target, fetch func(context.Context, []string) ([]vrops.ResourceStats, error)) (map[string][]vrops.Stat, error) {
	out := make(map[string][]vrops.Stat, len(targets))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(chunkConcurrency)
	for start := 0; start < len(targets); start += ChunkSize {
		end := min(start+ChunkSize, len(targets))
		ids := make([]string, 0, end-start)
		for _, t := range targets[start:end] {
			ids = append(ids, t.VropsID)
		}
		g.Go(func() error {
			vals, err := fetch(gctx, ids)
			if err != nil {
				return err
			}
			mu.Lock()
			for _, v := range vals {
				out[v.ResourceID] = append(out[v.ResourceID], v.StatList.Stat...)
			}
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}

// MetricFrames builds one frame per resource × stat key (docs/contracts.md §2).
func MetricFrames(kind string, targets []Target, keys []string, stats map[string][]vrops.Stat) (data.Frames, error) {
	frames := data.Frames{}
	seenKey := map[string]bool{}
	for _, t := range targets {
		byKey := map[string]vrops.Stat{}
		for _, s := range stats[t.VropsID] {
			byKey[s.StatKey.Key] = s
			seenKey[s.StatKey.Key] = true
		}
		for _, k := range keys {
			s, ok := byKey[k]
			if !ok {
				continue
			}
			info, _ := statInfo(kind, k)
			times, vals := sortedPoints(s)
			labels := data.Labels{"stat": k}
			for lk, lv := range t.Labels {
				labels[lk] = lv
			}
			vf := data.NewField("value", labels, vals)
			vf.Config = &data.FieldConfig{Unit: info.Unit, DisplayNameFromDS: t.Name + " " + info.Name}
			fr := data.NewFrame(t.Name+" "+k, data.NewField("time", nil, times), vf)
			fr.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
			frames = append(frames, fr)
		}
	}
	if len(targets) > 0 {
		for _, k := range keys {
			if _, known := statInfo(kind, k); !known && !seenKey[k] {
				return nil, fmt.Errorf("%w: vROps has no data for stat key %q on the selected %s resources: check the key (the statkeys resource lists the common ones)", models.ErrInvalidInput, k, kind)
			}
		}
	}
	return frames, nil
}

// sortedPoints orders samples by time: vROps timestamps are collection times with jitter and
// are not guaranteed to be sorted.
func sortedPoints(s vrops.Stat) ([]time.Time, []float64) {
	n := min(len(s.Timestamps), len(s.Data))
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.Timestamps[idx[a]] < s.Timestamps[idx[b]] })
	times := make([]time.Time, n)
	vals := make([]float64, n)
	for i, j := range idx {
		times[i] = time.UnixMilli(s.Timestamps[j]).UTC()
		vals[i] = s.Data[j]
	}
	return times, vals
}
