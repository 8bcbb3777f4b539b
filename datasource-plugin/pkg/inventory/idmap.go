package inventory

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/privatecloud/vsphere/pkg/vrops"
)

// IDMap maps this data source's vCenter morefs to vROps resource ids and back. One vROps often
// monitors several vCenters whose morefs overlap (vm-1001 in each), so a resource belongs to a
// moref only through the pair (VMEntityVCID, VMEntityObjectID) (docs/contracts.md §4).
type IDMap struct {
	Built   time.Time
	ToVrops map[string]string
	ToMoref map[string]string
	// VCID is the vCenter instance UUID the map was built for ("" when vROps names none and
	// knows a single vCenter).
	VCID string
	// Ambiguous are morefs with more than one vROps resource for this vCenter: they map to nothing.
	Ambiguous map[string]bool
	// Notice says, in words, why some or all objects have no vROps data ("" when none is missing
	// for a mapping reason); queries show it as a frame notice.
	Notice string
}

// Identity is how this data source's vCenter is recognised in vROps.
type Identity struct {
	// InstanceUUID is the vcenterInstanceUuid setting ("" = not set).
	InstanceUUID string
	// URL is the configured vCenter URL.
	URL string
}

// vropsKinds are the vROps resource kinds the map covers.
var vropsKinds = []string{"VirtualMachine", "HostSystem", "ClusterComputeResource", "Datastore"}

// adapterInstanceKind is the vROps resource of a vCenter adapter instance, whose identifiers say
// which vCenter URL (VCURL) each VMEntityVCID belongs to. It is read only when the resources name
// more than one vCenter and the setting does not say which one is ours.
const adapterInstanceKind = "VMwareAdapter Instance"

// needsAdapters says whether ResolveVCID needs the adapter instances to decide.
func needsAdapters(res []vrops.Resource, id Identity) bool {
	if id.InstanceUUID != "" {
		return false
	}
	first, seen := "", false
	for i := range res {
		v := res[i].IdentifierValue("VMEntityVCID")
		if !seen {
			first, seen = v, true
		} else if v != first {
			return true
		}
	}
	return false
}

// normalizeVCURL reduces a vCenter URL to host[:port][/path] in lower case, without scheme,
// trailing slash or /api, so the setting and vROps' VCURL compare equal however they are written.
func normalizeVCURL(raw string) (full, host string) {
	s := strings.TrimSpace(strings.ToLower(raw))
	if !strings.Contains(s, "://") {
		s = "//" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return strings.TrimRight(strings.TrimPrefix(s, "//"), "/"), ""
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/api")
	p = strings.TrimRight(p, "/")
	return u.Host + p, u.Hostname()
}

// ResolveVCID decides which VMEntityVCID is this data source's vCenter: the setting; else the
// adapter instance whose VCURL is the configured URL (host alone when vROps stores only a host
// name); else the only VCID vROps knows. ok is false when it cannot tell, with the reason.
func ResolveVCID(res []vrops.Resource, id Identity) (vcid string, ok bool, reason string) {
	if id.InstanceUUID != "" {
		return id.InstanceUUID, true, ""
	}
	wantFull, wantHost := normalizeVCURL(id.URL)
	var byFull, byHost []string
	vcids := map[string]bool{}
	for i := range res {
		r := &res[i]
		if r.ResourceKey.ResourceKindKey == adapterInstanceKind {
			vc := r.IdentifierValue("VMEntityVCID")
			full, host := normalizeVCURL(r.IdentifierValue("VCURL"))
			if vc == "" || (full == "" && host == "") {
				continue
			}
			if id.URL != "" && full == wantFull {
				byFull = append(byFull, vc)
			} else if id.URL != "" && host != "" && host == wantHost && !strings.Contains(full, "/") {
				byHost = append(byHost, vc) // vROps stored only the host name
			}
			continue
		}
		vcids[r.IdentifierValue("VMEntityVCID")] = true
	}
	for _, cand := range [][]string{byFull, byHost} {
		if u := unique(cand); len(u) == 1 {
			return u[0], true, ""
		} else if len(u) > 1 {
			return "", false, fmt.Sprintf("vROps has %d vCenter adapter instances for %s: set the vCenter instance UUID in the data source settings", len(u), id.URL)
		}
	}
	if len(vcids) == 1 {
		for v := range vcids {
			return v, true, ""
		}
	}
	if len(vcids) == 0 {
		return "", true, ""
	}
	return "", false, fmt.Sprintf("vROps monitors %d vCenters and none of its adapter instances has this data source's vCenter URL (%s): set the vCenter instance UUID in the data source settings", len(vcids), id.URL)
}

func unique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// MapIDs builds the map from vROps resources for one vCenter: only resources whose VMEntityVCID
// is this vCenter's count, and a moref with two such resources maps to nothing. A VM never gets
// another vCenter's data.
func MapIDs(res []vrops.Resource, id Identity, built time.Time) *IDMap {
	m := &IDMap{Built: built, ToVrops: map[string]string{}, ToMoref: map[string]string{}, Ambiguous: map[string]bool{}}
	vcid, ok, reason := ResolveVCID(res, id)
	if !ok {
		m.Notice = "No vROps data: " + reason
		return m
	}
	m.VCID = vcid
	for i := range res {
		r := &res[i]
		moref := r.IdentifierValue("VMEntityObjectID")
		if r.ResourceKey.ResourceKindKey == adapterInstanceKind || moref == "" || r.Identifier == "" || r.IdentifierValue("VMEntityVCID") != vcid {
			continue
		}
		if m.Ambiguous[moref] {
			continue
		}
		if prev, dup := m.ToVrops[moref]; dup && prev != r.Identifier {
			delete(m.ToVrops, moref)
			delete(m.ToMoref, prev)
			m.Ambiguous[moref] = true
			continue
		}
		m.ToVrops[moref] = r.Identifier
		m.ToMoref[r.Identifier] = moref
	}
	if n := len(m.Ambiguous); n > 0 {
		ex := make([]string, 0, n)
		for k := range m.Ambiguous {
			ex = append(ex, k)
		}
		sort.Strings(ex)
		if len(ex) > 5 {
			ex = append(ex[:5], "…")
		}
		m.Notice = fmt.Sprintf("No vROps data for %d objects that vROps lists more than once for this vCenter (%s)", n, strings.Join(ex, ", "))
	}
	return m
}

// minIDMapAge is how old the id map must be before a lookup miss forces a refresh, so that new
// VMs get metrics soon without letting a stream of misses hammer vROps.
const minIDMapAge = 30 * time.Second

// RefreshIDs rebuilds the id map when it is older than minIDMapAge (after lookup misses).
func (c *Cache) RefreshIDs(ctx context.Context) (*IDMap, error) {
	c.mu.Lock()
	if c.idmap != nil && c.now().Sub(c.idmap.Built) >= minIDMapAge {
		c.idmap = nil
	}
	c.mu.Unlock()
	return c.IDs(ctx)
}

// IDs returns the moref ⇄ vROps id map, cached with the same TTL and built single-flight.
func (c *Cache) IDs(ctx context.Context) (*IDMap, error) {
	if c.vr == nil {
		return nil, fmt.Errorf("vROps is not configured for this data source: add its URL and credentials to query metrics")
	}
	c.mu.Lock()
	m := c.idmap
	c.mu.Unlock()
	if m != nil && c.now().Sub(m.Built) < c.ttl {
		return m, nil
	}
	v, err, _ := c.sf.Do("idmap", func() (any, error) {
		dctx := context.WithoutCancel(ctx)
		res, err := c.vr.QueryResources(dctx, vropsKinds)
		if err != nil {
			return nil, err
		}
		if needsAdapters(res, c.identity) {
			adapters, err := c.vr.QueryResources(dctx, []string{adapterInstanceKind})
			if err != nil {
				return nil, err
			}
			res = append(res, adapters...)
		}
		nm := MapIDs(res, c.identity, c.now())
		c.mu.Lock()
		c.idmap = nm
		c.mu.Unlock()
		return nm, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*IDMap), nil
}

// SetIdentity says how this data source's vCenter is recognised in vROps (from the settings).
func (c *Cache) SetIdentity(id Identity) {
	c.mu.Lock()
	c.identity = id
	c.idmap = nil
	c.mu.Unlock()
}
