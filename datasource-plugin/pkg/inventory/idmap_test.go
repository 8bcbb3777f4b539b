package inventory

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/vrops"
)

func res(id, kind string, idents ...string) vrops.Resource {
	var r vrops.Resource
	r.Identifier = id
	r.ResourceKey.AdapterKindKey = "VMWARE"
	r.ResourceKey.ResourceKindKey = kind
	for i := 0; i+1 < len(idents); i += 2 {
		var ident vrops.Identifier
		ident.IdentifierType.Name = idents[i]
		ident.Value = idents[i+1]
		r.ResourceKey.ResourceIdentifiers = append(r.ResourceKey.ResourceIdentifiers, ident)
	}
	return r
}

const (
	uuid1 = "11111111-aaaa-4000-8000-000000000001"
	uuid2 = "22222222-bbbb-4000-8000-000000000002"
)

// twoVCenters is one vROps monitoring two vCenters whose morefs collide (vm-1001 in both), with
// vCenter 2 listed first so that "last one wins" would pick vCenter 1 and "first one wins" vCenter 2.
func twoVCenters() []vrops.Resource {
	return []vrops.Resource{
		res("adapter-2", adapterInstanceKind, "VCURL", "http://127.0.0.1:8989/vc/2", "VMEntityVCID", uuid2),
		res("adapter-1", adapterInstanceKind, "VCURL", "https://127.0.0.1:8989/vc/1/", "VMEntityVCID", uuid1),
		res("r-vc2-vm1001", "VirtualMachine", "VMEntityObjectID", "vm-1001", "VMEntityVCID", uuid2),
		res("r-vc1-vm1001", "VirtualMachine", "VMEntityObjectID", "vm-1001", "VMEntityVCID", uuid1),
		res("r-vc2-host1", "HostSystem", "VMEntityObjectID", "host-1", "VMEntityVCID", uuid2),
		res("r-vc1-host1", "HostSystem", "VMEntityObjectID", "host-1", "VMEntityVCID", uuid1),
		res("r-vc2-vm1002", "VirtualMachine", "VMEntityObjectID", "vm-1002", "VMEntityVCID", uuid2),
	}
}

func TestMapIDsNeverGivesAnotherVCentersResource(t *testing.T) {
	tests := []struct {
		name string
		id   Identity
		want map[string]string // moref → vROps id ("" = absent)
		vcid string
	}{
		{"by setting", Identity{InstanceUUID: uuid2, URL: "https://elsewhere"}, map[string]string{"vm-1001": "r-vc2-vm1001", "host-1": "r-vc2-host1", "vm-1002": "r-vc2-vm1002"}, uuid2},
		{"by adapter VCURL", Identity{URL: "http://127.0.0.1:8989/vc/1"}, map[string]string{"vm-1001": "r-vc1-vm1001", "host-1": "r-vc1-host1", "vm-1002": ""}, uuid1},
		{"by VCURL written differently", Identity{URL: "HTTPS://127.0.0.1:8989/VC/2/api/"}, map[string]string{"vm-1001": "r-vc2-vm1001", "vm-1002": "r-vc2-vm1002"}, uuid2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := MapIDs(twoVCenters(), tc.id, time.Now())
			if m.VCID != tc.vcid || m.Notice != "" {
				t.Fatalf("vcid %q notice %q", m.VCID, m.Notice)
			}
			for moref, want := range tc.want {
				if got := m.ToVrops[moref]; got != want {
					t.Errorf("%s → %q, want %q", moref, got, want)
				}
				if want != "" && m.ToMoref[want] != moref {
					t.Errorf("reverse of %s", want)
				}
			}
			for vid := range m.ToMoref {
				if !strings.Contains(vid, map[string]string{uuid1: "vc1", uuid2: "vc2"}[tc.vcid]) {
					t.Errorf("%s belongs to the other vCenter", vid)
				}
			}
		})
	}
}

func TestMapIDsWhenItCannotTellMapsNothing(t *testing.T) {
	// No setting, a URL no adapter instance has, two vCenters: nothing is mapped and the notice says why.
	m := MapIDs(twoVCenters(), Identity{URL: "https://vcenter.example.com"}, time.Now())
	if len(m.ToVrops) != 0 || !strings.Contains(m.Notice, "vCenter instance UUID") {
		t.Fatalf("map %v notice %q", m.ToVrops, m.Notice)
	}
	// Adapter instances without VCURL and two vCenters: the same.
	var bare []vrops.Resource
	for _, r := range twoVCenters() {
		if r.ResourceKey.ResourceKindKey != adapterInstanceKind {
			bare = append(bare, r)
		}
	}
	if m := MapIDs(bare, Identity{URL: "http://127.0.0.1:8989/vc/1"}, time.Now()); len(m.ToVrops) != 0 || m.Notice == "" {
		t.Fatalf("map %v notice %q", m.ToVrops, m.Notice)
	}
}

func TestMapIDsSingleVCenter(t *testing.T) {
	one := []vrops.Resource{
		res("r1", "VirtualMachine", "VMEntityObjectID", "vm-1", "VMEntityVCID", uuid1),
		res("r2", "HostSystem", "VMEntityObjectID", "host-1", "VMEntityVCID", uuid1),
	}
	if m := MapIDs(one, Identity{URL: "https://unknown"}, time.Now()); m.ToVrops["vm-1"] != "r1" || m.VCID != uuid1 || m.Notice != "" {
		t.Fatalf("%+v", m)
	}
	// Older vROps without VMEntityVCID and one vCenter: mapped by moref.
	old := []vrops.Resource{res("r1", "VirtualMachine", "VMEntityObjectID", "vm-1")}
	if m := MapIDs(old, Identity{}, time.Now()); m.ToVrops["vm-1"] != "r1" {
		t.Fatalf("%+v", m)
	}
	// Host-name-only VCURL matches the configured URL's host.
	hostOnly := append([]vrops.Resource{
		res("a1", adapterInstanceKind, "VCURL", "vc-a.example.com", "VMEntityVCID", uuid1),
		res("a2", adapterInstanceKind, "VCURL", "vc-b.example.com", "VMEntityVCID", uuid2),
	}, twoVCenters()[2:]...)
	if m := MapIDs(hostOnly, Identity{URL: "https://vc-b.example.com/"}, time.Now()); m.VCID != uuid2 || m.ToVrops["vm-1001"] != "r-vc2-vm1001" {
		t.Fatalf("%+v", m)
	}
}

func TestMapIDsAmbiguousMapsNothingForThatObject(t *testing.T) {
	rs := append(twoVCenters(), res("r-vc1-vm1001-dup", "VirtualMachine", "VMEntityObjectID", "vm-1001", "VMEntityVCID", uuid1))
	m := MapIDs(rs, Identity{InstanceUUID: uuid1}, time.Now())
	if m.ToVrops["vm-1001"] != "" || !m.Ambiguous["vm-1001"] || m.ToMoref["r-vc1-vm1001"] != "" || m.ToMoref["r-vc1-vm1001-dup"] != "" {
		t.Fatalf("ambiguous vm-1001 mapped: %+v", m)
	}
	if m.ToVrops["host-1"] != "r-vc1-host1" || !strings.Contains(m.Notice, "vm-1001") {
		t.Fatalf("%+v", m)
	}
}

// idVROps answers resource queries by kind and counts them.
type idVROps struct {
	res   []vrops.Resource
	calls [][]string
}

func (v *idVROps) QueryResources(_ context.Context, kinds []string) ([]vrops.Resource, error) {
	v.calls = append(v.calls, kinds)
	var out []vrops.Resource
	for _, r := range v.res {
		for _, k := range kinds {
			if r.ResourceKey.ResourceKindKey == k {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

func (v *idVROps) BulkRelationships(context.Context, string, []string) ([]vrops.Relation, error) {
	return nil, nil
}

// TestIDsReadAdapterInstancesOnlyWhenNeeded: one vCenter (or the setting) needs one resource
// query; two vCenters without the setting need the adapter instances too.
func TestIDsReadAdapterInstancesOnlyWhenNeeded(t *testing.T) {
	two := &idVROps{res: twoVCenters()}
	c := NewCache(estate(1, 1), two, time.Hour)
	c.SetIdentity(Identity{URL: "http://127.0.0.1:8989/vc/1"})
	m, err := c.IDs(context.Background())
	if err != nil || m.ToVrops["vm-1001"] != "r-vc1-vm1001" || len(two.calls) != 2 {
		t.Fatalf("map %+v err %v calls %v", m, err, two.calls)
	}
	set := &idVROps{res: twoVCenters()}
	c = NewCache(estate(1, 1), set, time.Hour)
	c.SetIdentity(Identity{InstanceUUID: uuid2})
	if m, err := c.IDs(context.Background()); err != nil || m.ToVrops["vm-1001"] != "r-vc2-vm1001" || len(set.calls) != 1 {
		t.Fatalf("map %+v err %v calls %v", m, err, set.calls)
	}
}
