package vmrules

import (
	"sort"
	"strings"
)

// CheckOVFDeploy checks an OVF deploy against what vCenter's filter said the package needs
// (docs/contracts.md §3 "Templates"): its EULA accepted when it has one, and network mappings
// only from the package's own networks to networks of the target's datacenter (id → name).
func CheckOVFDeploy(hasEULA, accepted bool, ovfNetworks []string, mappings map[string]string, networks map[string]string) error {
	if hasEULA && !accepted {
		return Invalid("the OVF package has a license agreement (EULA): read it and accept it (acceptEula: true) to deploy")
	}
	keys := make([]string, 0, len(mappings))
	for k := range mappings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		known := false
		for _, n := range ovfNetworks {
			known = known || n == k
		}
		if !known {
			names := "none"
			if len(ovfNetworks) > 0 {
				names = `"` + strings.Join(ovfNetworks, `", "`) + `"`
			}
			return Invalid("the OVF package has no network %q; its networks: %s", k, names)
		}
		if _, ok := networks[mappings[k]]; !ok {
			return Invalid("network %q (for the OVF network %q) does not exist in the target's datacenter", mappings[k], k)
		}
	}
	return nil
}
