package query

import (
	"testing"
)

// Every numeric field of every query type carries a unit (counts "none"), so % and bytes apply in
// tables and stat panels.
func TestEveryNumericFieldHasAUnit(t *testing.T) {
	f := newFixture(t)
	cases := map[string]map[string]any{
		"vmDetail": {"vms": []string{"web-01"}},
		"metrics":  {"resourceKind": "VirtualMachine", "selection": map[string]any{"mode": "under", "parent": "Cluster-A"}, "statKeys": []string{"cpu|usage_average"}, "interval": "1h"},
		"latest":   {"resourceKind": "VirtualMachine", "selection": map[string]any{"mode": "under", "parent": "Cluster-A"}, "statKeys": []string{"cpu|usage_average", "mem|consumed_average"}},
	}
	for _, e := range []string{"vms", "hosts", "clusters", "datastores", "networks", "datacenters", "folders", "resourcePools"} {
		cases["inventory "+e] = map[string]any{"entity": e}
	}
	for name, model := range cases {
		qt := name
		if len(name) > 9 && name[:9] == "inventory" {
			qt = "inventory"
		}
		dr := f.run(t, qt, model)
		if dr.Error != nil {
			t.Fatalf("%s: %v", name, dr.Error)
		}
		numeric := 0
		for _, fr := range dr.Frames {
			for _, fl := range fr.Fields {
				if !fl.Type().Numeric() {
					continue
				}
				numeric++
				if fl.Config == nil || fl.Config.Unit == "" {
					t.Errorf("%s: frame %q field %q has no unit", name, fr.Name, fl.Name)
				}
			}
		}
		if qt != "inventory" && numeric == 0 {
			t.Errorf("%s: no numeric field checked", name)
		}
	}
}
