package query

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// fakeVROps knows some hosts (moref → vROps id) and answers latest values from a table,
// recording every latest call it gets.
type fakeVROps struct {
	known  map[string]string
	values map[string]map[string][]float64 // vROps id → key → samples, oldest last-but-one
	err    error

	mu       sync.Mutex
	latest   [][]string // resource ids of each QueryLatest call
	keys     [][]string
	resQuery int
}

func (f *fakeVROps) QueryResources(context.Context, []string) ([]vrops.Resource, error) {
	f.mu.Lock()
	f.resQuery++
	f.mu.Unlock()
	var out []vrops.Resource
	for moref, id := range f.known {
		var r vrops.Resource
		r.Identifier = id
		var ident vrops.Identifier
		ident.IdentifierType.Name = "VMEntityObjectID"
		ident.Value = moref
		r.ResourceKey.ResourceIdentifiers = []vrops.Identifier{ident}
		out = append(out, r)
	}
	return out, nil
}

func (f *fakeVROps) QueryStats(context.Context, vrops.StatsQuery) ([]vrops.ResourceStats, error) {
	return nil, errors.New("QueryStats must not be used for host figures")
}

func (f *fakeVROps) BulkRelationships(context.Context, string, []string) ([]vrops.Relation, error) {
	return nil, errors.New("the host usage path must not ask for relationships")
}

func (f *fakeVROps) QueryAlerts(context.Context, []string, []string) ([]vrops.Alert, error) {
	return nil, errors.New("QueryAlerts must not be used for host figures")
}

func (f *fakeVROps) QueryLatest(_ context.Context, ids, keys []string) ([]vrops.ResourceStats, error) {
	f.mu.Lock()
	f.latest = append(f.latest, slices.Clone(ids))
	f.keys = append(f.keys, slices.Clone(keys))
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	var out []vrops.ResourceStats
	for _, id := range ids {
		rs := vrops.ResourceStats{ResourceID: id}
		for _, k := range keys {
			samples, ok := f.values[id][k]
			if !ok {
				continue
			}
			var st vrops.Stat
			st.StatKey.Key = k
			// Newest first on purpose: vROps does not promise sorted samples.
			for i := range samples {
				st.Timestamps = append(st.Timestamps, int64(1_700_000_000_000-i*300_000))
			}
			st.Data = samples
			rs.StatList.Stat = append(rs.StatList.Stat, st)
		}
		out = append(out, rs)
	}
	return out, nil
}

func hostList(ids ...string) []*inventory.Host {
	var out []*inventory.Host
	for _, id := range ids {
		out = append(out, &inventory.Host{Object: inventory.Object{ID: id, Name: "esx-" + strings.TrimPrefix(id, "host-")}})
	}
	return out
}

func TestHostUsageLatestOneBulkCall(t *testing.T) {
	fv := &fakeVROps{
		known: map[string]string{"host-1": "r1", "host-2": "r2", "host-3": "r3"},
		values: map[string]map[string][]float64{
			"r1": {HostCPUCapacityKey: {52800, 52800}, HostCPUUsageKey: {37.5, 12}, HostMemoryCapacityKey: {268435456}, HostMemoryUsageKey: {61.25, 1}},
			"r2": {HostCPUUsageKey: {4}}, // only one figure: the others stay absent
			// r3 is known but vROps has no data for it yet.
		},
	}
	d := &Deps{Inventory: inventory.NewCache(nil, fv, time.Minute), Stats: fv}
	res, err := HostUsageLatest(context.Background(), d, hostList("host-1", "host-2", "host-3", "host-9"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fv.latest) != 1 {
		t.Fatalf("%d latest calls, want one bulk call for the page", len(fv.latest))
	}
	if got := fv.latest[0]; !slices.Equal(got, []string{"r1", "r2", "r3"}) {
		t.Fatalf("latest call asked for %v, want the page's known hosts r1 r2 r3", got)
	}
	if !slices.Equal(fv.keys[0], HostUsageKeys) {
		t.Fatalf("latest call keys %v, want %v", fv.keys[0], HostUsageKeys)
	}
	u := res.ByHost["host-1"]
	if u.CPUCapacityMHz == nil || *u.CPUCapacityMHz != 52800 || u.CPUUsagePct == nil || *u.CPUUsagePct != 37.5 ||
		u.MemoryCapacityBytes == nil || *u.MemoryCapacityBytes != 256<<30 || u.MemoryUsagePct == nil || *u.MemoryUsagePct != 61.25 {
		t.Fatalf("host-1 figures wrong (newest sample, KB → bytes): %s", usageString(u))
	}
	u2, ok := res.ByHost["host-2"]
	if !ok || u2.CPUUsagePct == nil || *u2.CPUUsagePct != 4 || u2.CPUCapacityMHz != nil || u2.MemoryCapacityBytes != nil || u2.MemoryUsagePct != nil {
		t.Fatalf("host-2 should have only its CPU usage: %s", usageString(u2))
	}
	if _, ok := res.ByHost["host-3"]; ok {
		t.Fatal("host-3 has no data and must have no entry")
	}
	if !slices.Equal(res.Missing, []string{"esx-9"}) || !strings.Contains(res.MissingHostsText(), "esx-9") {
		t.Fatalf("missing = %v (%q), want esx-9", res.Missing, res.MissingHostsText())
	}
}

func TestHostUsageLatestFailures(t *testing.T) {
	t.Run("vROps not configured", func(t *testing.T) {
		_, err := HostUsageLatest(context.Background(), &Deps{}, hostList("host-1"))
		if !errors.Is(err, models.ErrNotConfigured) || !strings.Contains(err.Error(), "vROps is not configured") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("latest call fails", func(t *testing.T) {
		fv := &fakeVROps{known: map[string]string{"host-1": "r1"}, err: fmt.Errorf("%w: vROps latest stats query failed (HTTP 503)", models.ErrUpstream)}
		d := &Deps{Inventory: inventory.NewCache(nil, fv, time.Minute), Stats: fv}
		_, err := HostUsageLatest(context.Background(), d, hostList("host-1"))
		if !errors.Is(err, models.ErrUpstream) || !strings.Contains(err.Error(), "HTTP 503") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no host known: no latest call", func(t *testing.T) {
		fv := &fakeVROps{known: map[string]string{}}
		d := &Deps{Inventory: inventory.NewCache(nil, fv, time.Minute), Stats: fv}
		res, err := HostUsageLatest(context.Background(), d, hostList("host-1", "host-2"))
		if err != nil || len(fv.latest) != 0 || len(res.Missing) != 2 {
			t.Fatalf("err %v, %d latest calls, missing %v", err, len(fv.latest), res.Missing)
		}
	})
}

func usageString(u HostUsage) string {
	f := func(p *float64) string {
		if p == nil {
			return "nil"
		}
		return fmt.Sprint(*p)
	}
	m := "nil"
	if u.MemoryCapacityBytes != nil {
		m = fmt.Sprint(*u.MemoryCapacityBytes)
	}
	return fmt.Sprintf("cpu %s MHz %s %%, mem %s B %s %%", f(u.CPUCapacityMHz), f(u.CPUUsagePct), m, f(u.MemoryUsagePct))
}
