package query

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// shapedStats answers stats calls the way a production vROps does (docs/contracts.md §2): rolled-up
// timestamps jittered by seconds around the bucket start, an extra off-grid sample now and then, a
// missing bucket, float32 values, and some resources without any stats. Inventory and the id map
// still come from the recorded vCenter/vROps answers of the fixture.
type shapedStats struct {
	noStats map[string]bool // vROps ids with no stats at all
	onlyFor map[string]bool // keys (besides the catalogued ones) that only these ids have
	calls   atomic.Int64
}

func (s *shapedStats) series(id, key string, begin, end int64, step int64) vrops.Stat {
	rng := rand.New(rand.NewPCG(uint64(len(id)), uint64(len(key)+int(begin%97))))
	st := vrops.Stat{}
	st.StatKey.Key = key
	first := ceilDiv(begin, step) * step
	for b, i := first, 0; b < end; b, i = b+step, i+1 {
		if i == 5 {
			continue // a bucket vROps has no sample for
		}
		jitter := int64(rng.IntN(14000)) - 7000 // ±7 s
		st.Timestamps = append(st.Timestamps, b+jitter)
		st.Data = append(st.Data, float64(float32(40+float64(i)+0.6)))
		if i%7 == 3 {
			st.Timestamps = append(st.Timestamps, b+step/2+13_000) // an extra off-grid sample
			st.Data = append(st.Data, float64(float32(40+float64(i)+0.6)))
		}
	}
	return st
}

func (s *shapedStats) QueryStats(_ context.Context, q vrops.StatsQuery) ([]vrops.ResourceStats, error) {
	s.calls.Add(1)
	step := map[string]int64{"MINUTES": 60_000, "HOURS": 3_600_000, "DAYS": 86_400_000}[q.IntervalType] * int64(q.IntervalQuantifier)
	var out []vrops.ResourceStats
	for _, id := range q.ResourceID {
		if s.noStats[id] {
			continue
		}
		rs := vrops.ResourceStats{ResourceID: id}
		for _, k := range q.StatKey {
			if _, known := statInfo(models.KindVM, k); !known && !s.onlyFor[id] {
				continue
			}
			if strings.HasPrefix(k, "nodata|") {
				continue
			}
			rs.StatList.Stat = append(rs.StatList.Stat, s.series(id, k, q.Begin, q.End, step))
		}
		out = append(out, rs)
	}
	return out, nil
}

func (s *shapedStats) QueryLatest(_ context.Context, ids, keys []string) ([]vrops.ResourceStats, error) {
	var out []vrops.ResourceStats
	for _, id := range ids {
		if s.noStats[id] {
			continue
		}
		rs := vrops.ResourceStats{ResourceID: id}
		for _, k := range keys {
			st := vrops.Stat{Timestamps: []int64{from.UnixMilli() + 2000, from.UnixMilli() - 300_000}, Data: []float64{12.600000381469727, 99}}
			st.StatKey.Key = k
			rs.StatList.Stat = append(rs.StatList.Stat, st)
		}
		out = append(out, rs)
	}
	return out, nil
}

func (s *shapedStats) QueryAlerts(context.Context, []string, []string) ([]vrops.Alert, error) {
	return nil, nil
}

const (
	webID  = "aaaaaaaa-0000-4000-8000-000000000100"
	dbID   = "aaaaaaaa-0000-4000-8000-000000000101"
	testID = "aaaaaaaa-0000-4000-8000-000000000102"
)

func shapedFixture(t *testing.T) (*fixture, *shapedStats) {
	f := newFixture(t)
	st := &shapedStats{noStats: map[string]bool{testID: true}, onlyFor: map[string]bool{webID: true}}
	f.deps.Stats = st
	return f, st
}

func runAt(t *testing.T, f *fixture, from, to time.Time, model map[string]any) backend.DataResponse {
	t.Helper()
	raw, _ := json.Marshal(model)
	resp, err := NewMux(f.deps).QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
		RefID: "A", QueryType: model["queryType"].(string), JSON: raw, Interval: time.Minute, MaxDataPoints: 1000,
		TimeRange: backend.TimeRange{From: from, To: to}}}})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Responses["A"]
}

func valueField(t *testing.T, fr *data.Frame) *data.Field {
	t.Helper()
	if len(fr.Fields) != 2 || fr.Fields[0].Name != "time" || fr.Fields[1].Name != "value" {
		t.Fatalf("frame %q fields are not [time value]", fr.Name)
	}
	return fr.Fields[1]
}

func notices(dr backend.DataResponse) string {
	var s []string
	for _, f := range dr.Frames {
		if f.Meta != nil {
			for _, n := range f.Meta.Notices {
				s = append(s, n.Text)
			}
		}
	}
	return strings.Join(s, "\n")
}

// 24 h hourly from off-grid, jittered samples: 24 points per series, all on the hour, the same
// timestamps in every series; a VM without stats is an empty series, not missing, not an error.
func TestMetricsHourlyOnTheHourAcrossSeries(t *testing.T) {
	for _, tc := range []struct {
		interval string
		span     time.Duration
		step     time.Duration
		points   int
	}{{"1h", 24 * time.Hour, time.Hour, 24}, {"1d", 7 * 24 * time.Hour, 24 * time.Hour, 7}} {
		t.Run(tc.interval, func(t *testing.T) {
			f, _ := shapedFixture(t)
			start := time.Date(2026, 1, 1, 10, 17, 23, 0, time.UTC)
			dr := runAt(t, f, start, start.Add(tc.span), map[string]any{"queryType": "metrics", "refId": "A", "resourceKind": "VirtualMachine",
				"selection": map[string]any{"mode": "under", "parent": "Cluster-A"}, "statKeys": []string{"cpu|usage_average"}, "rollUp": "AVG", "interval": tc.interval})
			if dr.Error != nil {
				t.Fatal(dr.Error)
			}
			if len(dr.Frames) != 3 {
				t.Fatalf("%d frames, want one per VM (3)", len(dr.Frames))
			}
			var axis []time.Time
			withData := 0
			for _, fr := range dr.Frames {
				v := valueField(t, fr)
				if v.Config == nil || v.Config.Unit != "percent" || !strings.Contains(v.Config.DisplayNameFromDS, "("+tc.interval+" average)") ||
					!strings.Contains(v.Config.Description, "Average") {
					t.Fatalf("%s: unit / stated roll-up missing: %+v", fr.Name, v.Config)
				}
				if v.Labels["vm"] == "test-01" {
					if fr.Rows() != 0 {
						t.Fatalf("test-01 has no stats in vROps but %d rows", fr.Rows())
					}
					continue
				}
				withData++
				if fr.Rows() != tc.points {
					t.Fatalf("%s: %d points, want %d", fr.Name, fr.Rows(), tc.points)
				}
				times := make([]time.Time, fr.Rows())
				nulls := 0
				for i := range times {
					times[i] = fr.Fields[0].At(i).(time.Time)
					if times[i].UnixMilli()%tc.step.Milliseconds() != 0 {
						t.Fatalf("%s: point %d at %s is not on the bucket boundary", fr.Name, i, times[i])
					}
					if v.At(i).(*float64) == nil {
						nulls++
					}
				}
				if nulls != 1 {
					t.Fatalf("%s: %d null buckets, want exactly the one vROps had no sample for", fr.Name, nulls)
				}
				if axis == nil {
					axis = times
				} else if !slices.EqualFunc(axis, times, time.Time.Equal) {
					t.Fatalf("%s: timestamps differ from the first series", fr.Name)
				}
			}
			if withData != 2 {
				t.Fatalf("%d series with data, want 2", withData)
			}
			if n := notices(dr); !strings.Contains(n, "1 of 3 series have no vROps data") || !strings.Contains(n, "test-01") {
				t.Fatalf("notice does not name the empty series: %q", n)
			}
		})
	}
}

// The off-grid extra sample of a bucket is averaged into its bucket, not emitted as a point.
func TestMetricsExtraSamplesAreRolledUp(t *testing.T) {
	f, st := shapedFixture(t)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	dr := runAt(t, f, start, start.Add(12*time.Hour), map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine",
		"selection": map[string]any{"mode": "ids", "ids": []string{"web-01"}}, "statKeys": []string{"cpu|usage_average"}, "interval": "1h"})
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	raw := st.series(webID, "cpu|usage_average", start.UnixMilli(), start.Add(12*time.Hour).UnixMilli(), 3_600_000)
	if len(raw.Timestamps) <= 12 {
		t.Fatalf("the fake should send extra samples, sent %d", len(raw.Timestamps))
	}
	if dr.Frames[0].Rows() != 12 {
		t.Fatalf("%d points from %d samples, want 12", dr.Frames[0].Rows(), len(raw.Timestamps))
	}
}

// Series labels identify the object only: the same VM on another host (DRS, vMotion, HA) and in
// another cluster has the identical label set.
func TestSeriesLabelsSurviveMoves(t *testing.T) {
	before := labelsFor("vc01.example.com", models.KindVM, candidate{id: "vm-100", name: "web-01", dc: "datacenter-1", cluster: "domain-c1", host: "host-10"})
	after := labelsFor("vc01.example.com", models.KindVM, candidate{id: "vm-100", name: "web-01", dc: "datacenter-1", cluster: "domain-c2", host: "host-11"})
	if !maps.Equal(before, after) {
		t.Fatalf("labels changed with the move: %v → %v", before, after)
	}
	want := data.Labels{"vcenter": "vc01.example.com", "vm": "web-01", "vm_id": "vm-100"}
	if !maps.Equal(before, want) {
		t.Fatalf("labels = %v, want %v", before, want)
	}
	for _, tc := range []struct {
		kind string
		want data.Labels
	}{
		{models.KindHost, data.Labels{"vcenter": "vc", "host": "esx-01"}},
		{models.KindCluster, data.Labels{"vcenter": "vc", "cluster": "esx-01"}},
		{models.KindDatastore, data.Labels{"vcenter": "vc", "datastore": "esx-01"}},
	} {
		if got := labelsFor("vc", tc.kind, candidate{id: "x-1", name: "esx-01", dc: "dc", cluster: "c", host: "h"}); !maps.Equal(got, tc.want) {
			t.Fatalf("%s labels = %v, want %v", tc.kind, got, tc.want)
		}
	}
}

// Through the query: the value field's labels are exactly vcenter, vm, vm_id and stat.
func TestMetricsLabelsAreTheObjectOnly(t *testing.T) {
	f, _ := shapedFixture(t)
	f.deps.VCenterName = "" // derived from the vCenter URL
	dr := runAt(t, f, from, to, map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine",
		"selection": map[string]any{"mode": "ids", "ids": []string{"web-01"}}, "statKeys": []string{"cpu|usage_average"}, "interval": "5m"})
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	got := valueField(t, dr.Frames[0]).Labels
	want := data.Labels{"vcenter": VCenterLabel(f.srv.URL), "vm": "web-01", "vm_id": "vm-100", "stat": "cpu|usage_average"}
	if !maps.Equal(got, want) {
		t.Fatalf("labels = %v, want %v", got, want)
	}
}

// Keys outside the catalogue pass through; instanced keys work; partial or no data is a notice
// and empty series, never an error for the whole query.
func TestMetricsAnyStatKey(t *testing.T) {
	f, st := shapedFixture(t)
	keys := []string{"virtualDisk:scsi0:1|totalReadLatency_average", "net:4000|usage_average", "nodata|whatever"}
	dr := runAt(t, f, from, to, map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine",
		"selection": map[string]any{"mode": "under", "parent": "Cluster-A"}, "statKeys": keys, "interval": "1h"})
	if dr.Error != nil {
		t.Fatalf("partial data failed the query: %v", dr.Error)
	}
	if st.calls.Load() != 1 {
		t.Fatalf("%d stats calls, want one bulk call", st.calls.Load())
	}
	if len(dr.Frames) != 9 {
		t.Fatalf("%d frames, want 3 VMs × 3 keys", len(dr.Frames))
	}
	units := map[string]string{}
	for _, fr := range dr.Frames {
		v := valueField(t, fr)
		k, vm := v.Labels["stat"], v.Labels["vm"]
		units[k] = v.Config.Unit
		hasData := fr.Rows() > 0
		if want := vm == "web-01" && k != "nodata|whatever"; hasData != want {
			t.Fatalf("%s %s: has data %v, want %v", vm, k, hasData, want)
		}
	}
	wantUnits := map[string]string{"virtualDisk:scsi0:1|totalReadLatency_average": "ms", "net:4000|usage_average": "KBs", "nodata|whatever": "none"}
	if !maps.Equal(units, wantUnits) {
		t.Fatalf("units = %v, want %v", units, wantUnits)
	}
	n := notices(dr)
	if !strings.Contains(n, `no data for stat key "nodata|whatever"`) || !strings.Contains(n, "7 of 9 series have no vROps data") {
		t.Fatalf("notices = %q", n)
	}
	if strings.Contains(n, "totalReadLatency") && strings.Contains(n, `key "virtualDisk`) {
		t.Fatalf("a key with data on one VM is reported as having none: %q", n)
	}
}

// No data at all: every series empty (NoData for an alert rule), a notice, no error.
func TestMetricsNoDataAnywhereIsNotAnError(t *testing.T) {
	f, _ := shapedFixture(t)
	dr := runAt(t, f, from, to, map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine",
		"selection": map[string]any{"mode": "ids", "ids": []string{"test-01"}}, "statKeys": []string{"cpu|usage_average"}, "interval": "1h"})
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	if len(dr.Frames) != 1 || dr.Frames[0].Rows() != 0 || valueField(t, dr.Frames[0]).Labels["vm"] != "test-01" {
		t.Fatalf("want one empty, labelled series: %v", dr.Frames)
	}
	if !strings.Contains(notices(dr), "no data for stat key") {
		t.Fatalf("no notice: %q", notices(dr))
	}
}

// A VM whose samples all lie outside the range's buckets has an empty series too.
func TestMetricFramesSamplesOutsideTheRangeAreNoData(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	grid := Grid{Starts: BucketStarts(start, start.Add(2*time.Hour), time.Hour), Step: time.Hour, RollUp: "AVG"}
	st := vrops.Stat{Timestamps: []int64{start.Add(-time.Hour).UnixMilli(), start.Add(3 * time.Hour).UnixMilli()}, Data: []float64{1, 2}}
	st.StatKey.Key = "cpu|usage_average"
	targets := []Target{{Moref: "vm-1", VropsID: "r1", Name: "a", Labels: data.Labels{"vm": "a"}}, {Moref: "vm-2", VropsID: "r2", Name: "b", Labels: data.Labels{"vm": "b"}}}
	ok := vrops.Stat{Timestamps: []int64{start.UnixMilli()}, Data: []float64{5}}
	ok.StatKey.Key = "cpu|usage_average"
	frames, notes := MetricFrames(models.KindVM, targets, []string{"cpu|usage_average"}, map[string][]vrops.Stat{"r1": {st}, "r2": {ok}}, grid)
	if frames[0].Rows() != 0 || frames[1].Rows() != 2 {
		t.Fatalf("rows %d and %d, want 0 and 2", frames[0].Rows(), frames[1].Rows())
	}
	if len(notes) != 1 || !strings.Contains(notes[0].Text, "1 of 2 series") {
		t.Fatalf("notices %v", notes)
	}
}

// latest: one table per key, the value field with the key's unit, every selected VM a row (null
// when vROps has no value), the newest sample whatever the answer's order; Explore shows a table.
func TestLatestFrameShape(t *testing.T) {
	f, _ := shapedFixture(t)
	dr := runAt(t, f, from, to, map[string]any{"queryType": "latest", "resourceKind": "VirtualMachine",
		"selection": map[string]any{"mode": "under", "parent": "Cluster-A"}, "statKeys": []string{"cpu|usage_average", "mem|consumed_average"}})
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	if len(dr.Frames) != 2 {
		t.Fatalf("%d frames, want one per stat key", len(dr.Frames))
	}
	for i, unit := range []string{"percent", "deckbytes"} {
		fr := dr.Frames[i]
		if fr.Meta == nil || fr.Meta.Type != data.FrameTypeTable || fr.Meta.PreferredVisualization != data.VisTypeTable {
			t.Fatalf("frame %d meta = %+v", i, fr.Meta)
		}
		var names []string
		for _, fl := range fr.Fields {
			names = append(names, fl.Name)
		}
		if want := []string{"resource", "name", "vcenter", "host", "cluster", "datacenter", "stat", "value", "timestamp"}; !slices.Equal(names, want) {
			t.Fatalf("fields = %v, want %v", names, want)
		}
		v := fr.Fields[7]
		if v.Config == nil || v.Config.Unit != unit {
			t.Fatalf("value unit = %+v, want %s", v.Config, unit)
		}
		if fr.Rows() != 3 {
			t.Fatalf("%d rows, want 3 (test-01 without stats included)", fr.Rows())
		}
		for r := 0; r < fr.Rows(); r++ {
			val := v.At(r).(*float64)
			if fr.Fields[1].At(r) == "test-01" {
				if val != nil {
					t.Fatalf("test-01 has a value")
				}
				continue
			}
			if val == nil || *val != 12.600000381469727 {
				t.Fatalf("row %d value = %v, want the newest sample", r, deref(val))
			}
			if fr.Fields[3].At(r) == "" || fr.Fields[4].At(r) != "Cluster-A" {
				t.Fatalf("row %d placement missing", r)
			}
		}
	}
}

func TestVCenterLabel(t *testing.T) {
	for in, want := range map[string]string{
		"https://VC01.example.com/":      "vc01.example.com",
		"https://vc01.example.com:443":   "vc01.example.com:443",
		"http://127.0.0.1:8989/vc/2":     "127.0.0.1:8989/vc/2",
		"http://127.0.0.1:8989/vc/2/api": "127.0.0.1:8989/vc/2",
		"http://127.0.0.1:8989":          "127.0.0.1:8989",
	} {
		if got := VCenterLabel(in); got != want {
			t.Errorf("VCenterLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInferUnit(t *testing.T) {
	for key, want := range map[string]string{
		"cpu|usage_average":                              "percent",
		"mem:0|usage_average":                            "percent",
		"net:4000|usage_average":                         "KBs",
		"virtualDisk:scsi0:1|totalReadLatency_average":   "ms",
		"virtualDisk:scsi0:1|numberReadAveraged_average": "iops",
		"cpu|readyPct":                                   "percent",
		"cpu|costop_summation":                           "none",
		"cpu|demandmhz":                                  "rotmhz",
		"net:vmnic0|bytesRx_average":                     "KBs",
		"guestfilesystem:/var|percentage":                "percent",
	} {
		if got := InferUnit(key); got != want {
			t.Errorf("InferUnit(%q) = %q, want %q", key, got, want)
		}
	}
	for key, want := range map[string][2]string{
		"net:4000|usage_average":                       {"net|usage_average", "4000"},
		"virtualDisk:scsi0:1|totalReadLatency_average": {"virtualDisk|totalReadLatency_average", "scsi0:1"},
		"cpu|usage_average":                            {"cpu|usage_average", ""},
	} {
		if b, i := SplitInstance(key); b != want[0] || i != want[1] {
			t.Errorf("SplitInstance(%q) = %q, %q", key, b, i)
		}
	}
	if info := describeStat(models.KindVM, "net:4000|usage_average"); info.Name != "Network Usage (4000)" || info.Unit != "KBs" {
		t.Errorf("instanced catalogued key: %+v", info)
	}
}

// blockingStats answers only when the query's context ends, and records the deadline it saw.
type blockingStats struct {
	shapedStats
	deadline time.Time
}

func (b *blockingStats) QueryStats(ctx context.Context, _ vrops.StatsQuery) ([]vrops.ResourceStats, error) {
	b.deadline, _ = ctx.Deadline()
	<-ctx.Done()
	return nil, fmt.Errorf("%w: vROps at x did not answer in time", models.ErrUnreachable)
}

// Every query runs under one total budget; when it runs out the answer says so (504), and the
// upstream calls saw the budget as their deadline.
func TestQueryBudget(t *testing.T) {
	if QueryBudget >= 30*time.Second {
		t.Fatalf("QueryBudget %s is not below Grafana's 30 s alert evaluation timeout", QueryBudget)
	}
	f := newFixture(t)
	bs := &blockingStats{}
	f.deps.Stats, f.deps.Budget = bs, 300*time.Millisecond
	started := time.Now()
	dr := runAt(t, f, from, to, map[string]any{"queryType": "metrics", "resourceKind": "VirtualMachine",
		"selection": map[string]any{"mode": "ids", "ids": []string{"web-01"}}, "statKeys": []string{"cpu|usage_average"}, "interval": "1h"})
	if dr.Status != backend.StatusTimeout || dr.Error == nil || !strings.Contains(dr.Error.Error(), "within its 300ms budget") {
		t.Fatalf("status %d, error %v", dr.Status, dr.Error)
	}
	if bs.deadline.Before(started.Add(300*time.Millisecond)) || bs.deadline.After(time.Now().Add(300*time.Millisecond)) {
		t.Fatalf("the stats call's deadline %v is not the query's budget", bs.deadline)
	}
}
