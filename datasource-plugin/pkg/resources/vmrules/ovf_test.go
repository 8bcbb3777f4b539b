package vmrules

import "testing"

func TestCheckOVFDeploy(t *testing.T) {
	nets := map[string]string{"network-1": "VM Network", "dvportgroup-2": "Prod"}
	for _, tc := range []struct {
		name            string
		hasEULA, accept bool
		ovfNets         []string
		mappings        map[string]string
		want            string
	}{
		{"EULA accepted, mapped", true, true, []string{"VM Network"}, map[string]string{"VM Network": "dvportgroup-2"}, ""},
		{"no EULA, no mappings", false, false, []string{"VM Network"}, nil, ""},
		{"EULA not accepted", true, false, []string{"VM Network"}, nil, "accept it (acceptEula: true)"},
		{"unknown OVF network", true, true, []string{"VM Network"}, map[string]string{"LAN": "network-1"}, `no network "LAN"; its networks: "VM Network"`},
		{"package without networks", false, false, nil, map[string]string{"LAN": "network-1"}, "its networks: none"},
		{"network of another datacenter", true, true, []string{"VM Network"}, map[string]string{"VM Network": "network-9"}, `network "network-9" (for the OVF network "VM Network") does not exist`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkRule(t, CheckOVFDeploy(tc.hasEULA, tc.accept, tc.ovfNets, tc.mappings, nets), tc.want)
		})
	}
}
