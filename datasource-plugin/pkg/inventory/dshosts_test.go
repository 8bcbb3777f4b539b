package inventory

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// relOps is a vROps fake: resources by moref, and fixed PARENT relations per vROps id.
type relOps struct {
	mu       sync.Mutex
	morefs   map[string]string // moref → vROps id
	parents  []vrops.Relation
	fail     error
	relCalls [][]string
	types    []string
}

func (f *relOps) QueryResources(context.Context, []string) ([]vrops.Resource, error) {
	var out []vrops.Resource
	for moref, id := range f.morefs {
		r := vrops.Resource{Identifier: id}
		r.ResourceKey.ResourceIdentifiers = []vrops.Identifier{{Value: moref}}
		r.ResourceKey.ResourceIdentifiers[0].IdentifierType.Name = "VMEntityObjectID"
		out = append(out, r)
	}
	return out, nil
}

func (f *relOps) BulkRelationships(_ context.Context, relType string, ids []string) ([]vrops.Relation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.relCalls = append(f.relCalls, append([]string(nil), ids...))
	f.types = append(f.types, relType)
	if f.fail != nil {
		return nil, f.fail
	}
	return f.parents, nil
}

func rel(id, adapter, kind string, related ...string) vrops.Relation {
	r := vrops.Relation{RelatedResources: related}
	r.Resource.Identifier = id
	r.Resource.ResourceKey.AdapterKindKey = adapter
	r.Resource.ResourceKey.ResourceKindKey = kind
	return r
}

func dsSnapshot(ids ...string) *Snapshot {
	s := &Snapshot{}
	for _, id := range ids {
		s.Datastores = append(s.Datastores, &Datastore{Object: Object{ID: id, Name: id}})
	}
	return s
}

func TestDatastoreHostsCountsHostParentsOnly(t *testing.T) {
	f := &relOps{
		morefs: map[string]string{"datastore-1": "v-ds1", "datastore-2": "v-ds2", "datastore-3": "v-ds3", "host-1": "v-h1"},
		parents: []vrops.Relation{
			rel("v-h1", "VMWARE", "HostSystem", "v-ds1", "v-ds2"),
			rel("v-h2", "VMWARE", "HostSystem", "v-ds1"),
			rel("v-h2", "VMWARE", "HostSystem", "v-ds1"), // the same parent twice (pages overlap): counted once
			rel("v-dc", "VMWARE", "Datacenter", "v-ds1", "v-ds2", "v-ds3"),
			rel("v-f", "VMWARE", "Folder", "v-ds3"),
			rel("v-x", "OtherAdapter", "HostSystem", "v-ds3"),
			rel("v-h9", "VMWARE", "HostSystem", "v-unasked"),
		},
	}
	c := NewCache(nil, f, time.Hour)
	s := dsSnapshot("datastore-1", "datastore-2", "datastore-3", "datastore-4")
	h := c.DatastoreHosts(context.Background(), s)
	if h.Err != nil {
		t.Fatal(h.Err)
	}
	want := map[string]any{"datastore-1": 2, "datastore-2": 1, "datastore-3": 0, "datastore-4": nil}
	for id, w := range want {
		got := h.Count(id)
		if (w == nil) != (got == nil) || (got != nil && *got != w.(int)) {
			t.Fatalf("%s: got %v, want %v (counts %v)", id, got, w, h.Counts)
		}
	}
	// Host ids: datastore-1 has a host parent (v-h2) with no moref here, so its list is unknown
	// rather than partial; datastore-3 is known and mounted by no host; datastore-4 is unknown.
	if got := h.HostIDs("datastore-2"); strings.Join(got, ",") != "host-1" {
		t.Fatalf("datastore-2 hosts %v", got)
	}
	if got := h.HostIDs("datastore-3"); got == nil || len(got) != 0 {
		t.Fatalf("datastore-3 hosts %#v, want empty non-nil", got)
	}
	if h.HostIDs("datastore-1") != nil || h.HostIDs("datastore-4") != nil {
		t.Fatalf("unknown host lists must be nil: %v %v", h.HostIDs("datastore-1"), h.HostIDs("datastore-4"))
	}
	// One bulk PARENT call for every datastore vROps knows (datastore-4 is unknown to it).
	if len(f.relCalls) != 1 || f.types[0] != "PARENT" || strings.Join(f.relCalls[0], ",") != "v-ds1,v-ds2,v-ds3" {
		t.Fatalf("calls %v %v", f.types, f.relCalls)
	}
	// Cached for the snapshot; a new snapshot asks again.
	if h2 := c.DatastoreHosts(context.Background(), s); h2 != h || len(f.relCalls) != 1 {
		t.Fatalf("second call for the same snapshot made %d calls", len(f.relCalls))
	}
	c.DatastoreHosts(context.Background(), dsSnapshot("datastore-1"))
	if len(f.relCalls) != 2 {
		t.Fatalf("a new snapshot must fetch again: %d calls", len(f.relCalls))
	}
	cp := s.Datastores[0].WithHostCount(h)
	if cp == s.Datastores[0] || s.Datastores[0].HostCount != nil || cp.HostCount == nil || *cp.HostCount != 2 {
		t.Fatalf("WithHostCount must copy: %+v %+v", cp, s.Datastores[0])
	}
}

func TestDatastoreHostIDsSortedAndDeduplicated(t *testing.T) {
	f := &relOps{
		morefs: map[string]string{"datastore-1": "v-ds1", "host-2": "v-h2", "host-10": "v-h10", "host-1": "v-h1"},
		parents: []vrops.Relation{
			rel("v-h2", "VMWARE", "HostSystem", "v-ds1"),
			rel("v-h10", "VMWARE", "HostSystem", "v-ds1"),
			rel("v-h1", "VMWARE", "HostSystem", "v-ds1"),
			rel("v-h2", "VMWARE", "HostSystem", "v-ds1"),
		},
	}
	c := NewCache(nil, f, time.Hour)
	h := c.DatastoreHosts(context.Background(), dsSnapshot("datastore-1"))
	if got := strings.Join(h.HostIDs("datastore-1"), ","); got != "host-1,host-10,host-2" || *h.Count("datastore-1") != 3 {
		t.Fatalf("hosts %q, count %v", got, *h.Count("datastore-1"))
	}
	var none *DatastoreHosts
	if none.HostIDs("datastore-1") != nil {
		t.Fatal("nil DatastoreHosts must list no hosts")
	}
}

func TestDatastoreHostsFailureIsKeptNotFatal(t *testing.T) {
	f := &relOps{morefs: map[string]string{"datastore-1": "v-ds1"}, fail: &vrops.APIError{Status: 500, Op: "relationships query"}}
	c := NewCache(nil, f, time.Hour)
	s := dsSnapshot("datastore-1")
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := c.DatastoreHosts(context.Background(), s)
			if h.Err == nil || !errors.Is(h.Err, models.ErrUpstream) || !strings.Contains(h.Err.Error(), "datastore host counts are unavailable") || h.Count("datastore-1") != nil || h.HostIDs("datastore-1") != nil {
				t.Errorf("h = %+v", h)
			}
		}()
	}
	wg.Wait()
	// Not retried for the same snapshot: one failing call for five concurrent readers.
	if len(f.relCalls) != 1 {
		t.Fatalf("%d relationship calls, want 1", len(f.relCalls))
	}
	if d := s.Datastores[0].WithHostCount(c.DatastoreHosts(context.Background(), s)); d.HostCount != nil {
		t.Fatalf("failed counts must leave hostCount unset: %v", *d.HostCount)
	}
}

func TestDatastoreHostsWithoutVROps(t *testing.T) {
	c := NewCache(nil, nil, time.Hour)
	h := c.DatastoreHosts(context.Background(), dsSnapshot("datastore-1"))
	if h.Err != nil || h.Count("datastore-1") != nil {
		t.Fatalf("without vROps: %+v", h)
	}
	var none *DatastoreHosts
	if none.Count("x") != nil {
		t.Fatal("nil DatastoreHosts must count nothing")
	}
}
