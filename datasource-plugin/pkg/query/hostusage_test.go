package query

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/internal/vropstest"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
)

func hostList(ids ...string) []*inventory.Host {
	var out []*inventory.Host
	for _, id := range ids {
		out = append(out, &inventory.Host{Object: inventory.Object{ID: id, Name: "esx-" + strings.TrimPrefix(id, "host-")}})
	}
	return out
}

func TestHostUsageLatestOneBulkCall(t *testing.T) {
	fv := &vropstest.Usage{
		Known: map[string]string{"host-1": "r1", "host-2": "r2", "host-3": "r3"},
		Values: map[string]map[string][]float64{
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
	latest := fv.LatestCalls()
	if len(latest) != 1 {
		t.Fatalf("%d latest calls, want one bulk call for the page", len(latest))
	}
	if got := latest[0]; !slices.Equal(got, []string{"r1", "r2", "r3"}) {
		t.Fatalf("latest call asked for %v, want the page's known hosts r1 r2 r3", got)
	}
	if keys := fv.LatestKeys()[0]; !slices.Equal(keys, HostUsageKeys) {
		t.Fatalf("latest call keys %v, want %v", keys, HostUsageKeys)
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
		fv := &vropstest.Usage{Known: map[string]string{"host-1": "r1"}, Err: fmt.Errorf("%w: vROps latest stats query failed (HTTP 503)", models.ErrUpstream)}
		d := &Deps{Inventory: inventory.NewCache(nil, fv, time.Minute), Stats: fv}
		_, err := HostUsageLatest(context.Background(), d, hostList("host-1"))
		if !errors.Is(err, models.ErrUpstream) || !strings.Contains(err.Error(), "HTTP 503") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no host known: no latest call", func(t *testing.T) {
		fv := &vropstest.Usage{Known: map[string]string{}}
		d := &Deps{Inventory: inventory.NewCache(nil, fv, time.Minute), Stats: fv}
		res, err := HostUsageLatest(context.Background(), d, hostList("host-1", "host-2"))
		if n := len(fv.LatestCalls()); err != nil || n != 0 || len(res.Missing) != 2 {
			t.Fatalf("err %v, %d latest calls, missing %v", err, n, res.Missing)
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
