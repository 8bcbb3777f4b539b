package vmrules

// Instant clone rules (docs/contracts.md §3 "Templates", instant clone): the source must be
// running (vCenter forks its memory state), and the placement's parts — VM folder, resource pool,
// datastore, each optional (`VM.InstantClonePlacementSpec`) — must exist in the source's
// datacenter. The clone runs on the source's host.

// CheckInstantCloneSource refuses a source that is not powered on.
func CheckInstantCloneSource(name, powerState string) error {
	if powerState == "POWERED_ON" {
		return nil
	}
	state := "powered off"
	if powerState == "SUSPENDED" {
		state = "suspended"
	}
	return Conflict("VM %s is %s: an instant clone forks a running VM; power it on first", name, state)
}

// CheckInstantClonePlacement checks the optional folder, resource pool and datastore against the
// source's datacenter; pools are the resource pools by id.
func CheckInstantClonePlacement(src VMPlace, folder, pool, datastore string, e Estate, pools map[string]Place) error {
	for _, part := range []struct {
		id, kind string
		in       map[string]Place
	}{{folder, "VM folder", e.Folders}, {pool, "resource pool", pools}, {datastore, "datastore", e.Datastores}} {
		if part.id == "" {
			continue
		}
		p, ok := part.in[part.id]
		if !ok {
			return Invalid("%s %q does not exist", part.kind, part.id)
		}
		if src.Datacenter != "" && p.Datacenter != src.Datacenter {
			return Invalid("%s %s is in datacenter %s; VM %s is in %s", part.kind, p.Name, e.name(p.Datacenter), src.Name, e.name(src.Datacenter))
		}
	}
	return nil
}
