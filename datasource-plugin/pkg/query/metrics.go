package query

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vrops"
	"golang.org/x/sync/errgroup"
)

// ChunkSize is the number of resource ids per bulk stats call: vROps handles at most about 1,000
// ids per stats call (docs/contracts.md §2; pkg/README.md "Metrics").
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
	kind, err := statsTarget(q)
	if err != nil {
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
		return backend.DataResponse{}, errNoVROps("query metrics")
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
	grid := Grid{Starts: BucketStarts(from, to, iv.Duration), Step: iv.Duration, RollUp: rollUp}
	frames, notices := MetricFrames(kind, targets, q.StatKeys, stats, grid)
	notices = append(missing.Notices(), notices...)
	for _, f := range frames {
		f.RefID = q.RefID
	}
	if len(frames) == 0 {
		fr := data.NewFrame("", data.NewField("time", nil, []time.Time{}), data.NewField("value", nil, []*float64{}))
		fr.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
		fr.RefID = q.RefID
		frames = append(frames, fr)
	}
	if len(notices) > 0 {
		frames[0].Meta.Notices = notices
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

// Grid is the common time axis of a metrics answer: the bucket starts, the bucket length and
// the roll-up that combines the samples of a bucket.
type Grid struct {
	Starts []time.Time
	Step   time.Duration
	RollUp string
}

// MetricFrames builds one frame per resource × stat key (docs/contracts.md §2): every series on
// the same grid (one point per bucket, null where the bucket has no sample), labels naming the
// object only. A resource without any sample of a key gets an empty series (zero rows), so an
// alert rule sees NoData for it; the notices say which series are empty, never an error.
func MetricFrames(kind string, targets []Target, keys []string, stats map[string][]vrops.Stat, g Grid) (data.Frames, []data.Notice) {
	frames := make(data.Frames, 0, len(targets)*len(keys))
	seenKey := map[string]bool{}
	var empty []string
	emptyCount := 0
	rollName := rollUpNames[g.RollUp]
	for _, t := range targets {
		byKey := map[string][]vrops.Stat{}
		for _, s := range stats[t.VropsID] {
			byKey[s.StatKey.Key] = append(byKey[s.StatKey.Key], s)
		}
		for _, k := range keys {
			info := describeStat(kind, k)
			var times []int64
			var vals []float64
			for _, s := range byKey[k] {
				times, vals = append(times, s.Timestamps[:min(len(s.Timestamps), len(s.Data))]...), append(vals, s.Data[:min(len(s.Timestamps), len(s.Data))]...)
			}
			labels := data.Labels{"stat": k}
			for lk, lv := range t.Labels {
				labels[lk] = lv
			}
			tf := data.NewField("time", nil, []time.Time{})
			vf := data.NewField("value", labels, []*float64{})
			// Samples that all fall outside the range's buckets are no data either.
			if points := Bucketize(times, vals, g.Starts, g.Step, g.RollUp); slices.ContainsFunc(points, func(p *float64) bool { return p != nil }) {
				seenKey[k] = true
				tf = data.NewField("time", nil, g.Starts)
				vf = data.NewField("value", labels, points)
			} else {
				emptyCount++
				if len(empty) < 5 {
					empty = append(empty, t.Name+" "+k)
				}
			}
			vf.Config = &data.FieldConfig{
				Unit:              info.Unit,
				DisplayNameFromDS: fmt.Sprintf("%s %s (%s %s)", t.Name, info.Name, shortDuration(g.Step), strings.ToLower(rollName)),
				Description:       fmt.Sprintf("%s: %s of the vROps samples in each %s bucket, stamped at the bucket start (UTC)", info.Name, rollName, shortDuration(g.Step)),
				Interval:          float64(g.Step.Milliseconds()),
			}
			fr := data.NewFrame(t.Name+" "+k, tf, vf)
			fr.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
			frames = append(frames, fr)
		}
	}
	var notices []data.Notice
	if len(targets) > 0 {
		for _, k := range keys {
			if !seenKey[k] {
				notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
					"vROps has no data for stat key %q on any of the %d selected %s resources in this time range: check the key (the editor lists each resource's own keys); the series are empty", k, len(targets), kind)})
			}
		}
		if emptyCount > 0 && len(notices) < len(keys) {
			notices = append(notices, data.Notice{Severity: data.NoticeSeverityInfo, Text: fmt.Sprintf(
				"%d of %d series have no vROps data in this time range and are empty (e.g. %s)", emptyCount, len(targets)*len(keys), strings.Join(empty, ", "))})
		}
	}
	return frames, notices
}

// rollUpNames are the roll-ups as a person reads them.
var rollUpNames = map[string]string{"AVG": "Average", "MAX": "Maximum", "MIN": "Minimum", "LATEST": "Latest"}

// shortDuration writes a bucket length as 5m, 1h or 1d.
func shortDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
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
