package vmrules

import "regexp"

// morefPattern is the shape of a vSphere managed object id as the REST API shows it: a lower-case
// type prefix, a dash and a number, optionally with a letter before it ("vm-1001", "domain-c7",
// "group-v4", "resgroup-v15", "dvportgroup-41").
var morefPattern = regexp.MustCompile(`^[a-z]{1,32}-[a-z]?[0-9]{1,12}$`)

// ValidateMoRef refuses ids that are not managed object ids before they go into an upstream URL
// path, so "..", "%2F" or a query string never reach vCenter.
func ValidateMoRef(kind, id string) error {
	if !morefPattern.MatchString(id) {
		if len(id) > 40 {
			id = id[:40] + "…"
		}
		return Invalid("%q is not a %s id such as vm-1001", id, kind)
	}
	return nil
}
