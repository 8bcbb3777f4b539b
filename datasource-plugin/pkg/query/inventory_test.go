package query

import (
	"testing"
)

func TestInventoryGolden(t *testing.T) {
	for _, entity := range []string{"vms", "hosts", "clusters", "datastores", "networks", "datacenters", "folders", "resourcePools"} {
		t.Run(entity, func(t *testing.T) {
			f := newFixture(t)
			golden(t, "inventory_"+entity, f.run(t, "inventory", map[string]any{"entity": entity}))
			f.noUnmatched(t)
		})
	}
}

func TestInventoryFilter(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"by host name", map[string]any{"host": "esx-02.lab"}, []string{"db-01", "test-01"}},
		{"by host id list", map[string]any{"host": []string{"host-10"}}, []string{"web-01"}},
		{"by cluster name and power", map[string]any{"cluster": "Cluster-A", "powerState": "POWERED_ON"}, []string{"db-01", "web-01"}},
		{"regex", map[string]any{"nameRegex": "^(web|test)-"}, []string{"test-01", "web-01"}},
		{"unknown host matches nothing", map[string]any{"host": "nope"}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dr := f.run(t, "inventory", map[string]any{"entity": "vms", "filter": tc.filter})
			if dr.Error != nil {
				t.Fatal(dr.Error)
			}
			names, _ := dr.Frames[0].FieldByName("name")
			var got []string
			for i := 0; i < names.Len(); i++ {
				got = append(got, names.At(i).(string))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestInventoryIsCached(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 3; i++ {
		if dr := f.run(t, "inventory", map[string]any{"entity": "vms"}); dr.Error != nil {
			t.Fatal(dr.Error)
		}
	}
	if n := f.srv.CallCount("GET /api/vcenter/datacenter"); n != 1 {
		t.Fatalf("datacenter list called %d times, want 1 (cached)", n)
	}
	if n := f.srv.CallCount("POST /api/session"); n != 1 {
		t.Fatalf("logged in %d times, want 1", n)
	}
}
