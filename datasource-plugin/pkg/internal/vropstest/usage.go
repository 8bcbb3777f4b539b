// Package vropstest is test support (only _test.go files import it): a vROps that answers the
// latest usage stats of some vCenter objects, shared by the tests of the host and VM usage
// figures in pkg/query and pkg/resources.
package vropstest

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/privatecloud/vsphere/pkg/vrops"
)

// Usage is a vROps that knows some vCenter objects by MoRef and answers their latest stats
// (`POST /resources/stats/latest/query`) from a table, recording each latest call. Its stats,
// alerts and relationships calls fail: the usage paths must not need them.
type Usage struct {
	Known  map[string]string               // MoRef → vROps resource id
	Values map[string]map[string][]float64 // vROps resource id → stat key → samples, newest first
	Err    error                           // when set, QueryLatest fails with it

	mu     sync.Mutex
	latest [][]string
	keys   [][]string
}

// NewUsage answers one latest value per MoRef and stat key; vROps' resource id of a MoRef is
// "r-" + MoRef.
func NewUsage(values map[string]map[string]float64) *Usage {
	u := &Usage{Known: map[string]string{}, Values: map[string]map[string][]float64{}}
	for moref, byKey := range values {
		id := "r-" + moref
		u.Known[moref] = id
		u.Values[id] = map[string][]float64{}
		for k, v := range byKey {
			u.Values[id][k] = []float64{v}
		}
	}
	return u
}

// LatestCalls answers the resource ids of each QueryLatest call so far, in order.
func (u *Usage) LatestCalls() [][]string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.latest)
}

// LatestKeys answers the stat keys of each QueryLatest call so far, in order.
func (u *Usage) LatestKeys() [][]string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.keys)
}

// QueryResources answers every known object as a resource with its `VMEntityObjectID`.
func (u *Usage) QueryResources(context.Context, []string) ([]vrops.Resource, error) {
	out := make([]vrops.Resource, 0, len(u.Known))
	for moref, id := range u.Known {
		r := vrops.Resource{Identifier: id}
		var ident vrops.Identifier
		ident.IdentifierType.Name = "VMEntityObjectID"
		ident.Value = moref
		r.ResourceKey.ResourceIdentifiers = []vrops.Identifier{ident}
		out = append(out, r)
	}
	return out, nil
}

// QueryLatest answers the table's samples of ids and keys, newest first five minutes apart
// (vROps does not promise sorted samples), and records the call.
func (u *Usage) QueryLatest(_ context.Context, ids, keys []string) ([]vrops.ResourceStats, error) {
	u.mu.Lock()
	u.latest = append(u.latest, slices.Clone(ids))
	u.keys = append(u.keys, slices.Clone(keys))
	u.mu.Unlock()
	if u.Err != nil {
		return nil, u.Err
	}
	out := make([]vrops.ResourceStats, 0, len(ids))
	for _, id := range ids {
		rs := vrops.ResourceStats{ResourceID: id}
		for _, k := range keys {
			samples, ok := u.Values[id][k]
			if !ok {
				continue
			}
			var st vrops.Stat
			st.StatKey.Key = k
			for i := range samples {
				st.Timestamps = append(st.Timestamps, int64(1_700_000_000_000-i*300_000))
			}
			st.Data = slices.Clone(samples)
			rs.StatList.Stat = append(rs.StatList.Stat, st)
		}
		out = append(out, rs)
	}
	return out, nil
}

// errNotForUsage is the answer of the calls the usage paths must not make.
var errNotForUsage = errors.New("vropstest.Usage: the usage figures must not need this call")

// QueryStats fails: usage figures come from latest values.
func (u *Usage) QueryStats(context.Context, vrops.StatsQuery) ([]vrops.ResourceStats, error) {
	return nil, errNotForUsage
}

// QueryAlerts fails: usage figures need no alerts.
func (u *Usage) QueryAlerts(context.Context, []string, []string) ([]vrops.Alert, error) {
	return nil, errNotForUsage
}

// BulkRelationships fails: usage figures need no relationships (the inventory only loses its
// datastore host counts).
func (u *Usage) BulkRelationships(context.Context, string, []string) ([]vrops.Relation, error) {
	return nil, errNotForUsage
}
