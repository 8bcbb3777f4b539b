package resources

import (
	"net/http"

	"github.com/privatecloud/vsphere/pkg/inventory"
)

func (a *API) guestOS(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, inventory.GuestOSChoices())
}

// PlacementObject is a folder or cluster the create form offers. Datacenter is an addition to
// the contract's shapes: placement must stay in one datacenter.
type PlacementObject struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Datacenter string `json:"datacenter"`
}

// PlacementInCluster is a host or resource pool with its cluster.
type PlacementInCluster struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Cluster    string `json:"cluster"`
	Datacenter string `json:"datacenter"`
}

// PlacementDatastore is a datastore with its free space and, when vROps says, the hosts that
// mount it (docs/contracts.md §3; absent when unknown, so the form then offers it everywhere).
type PlacementDatastore struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	CapacityBytes int64    `json:"capacityBytes"`
	FreeBytes     int64    `json:"freeBytes"`
	Datacenter    string   `json:"datacenter"`
	Hosts         []string `json:"hosts,omitempty"`
}

// PlacementNetwork is a port group. It has no host list: vCenter's REST network list
// (GET /api/vcenter/network) neither returns nor filters by hosts (docs/contracts.md §3).
type PlacementNetwork struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Datacenter string `json:"datacenter"`
}

// Placement is the answer of GET options/placement.
type Placement struct {
	Folders       []PlacementObject    `json:"folders"`
	Clusters      []PlacementObject    `json:"clusters"`
	Hosts         []PlacementInCluster `json:"hosts"`
	ResourcePools []PlacementInCluster `json:"resourcePools"`
	Datastores    []PlacementDatastore `json:"datastores"`
	Networks      []PlacementNetwork   `json:"networks"`
}

// PlacementOf lists the create form's choices from a snapshot (VM folders only); dsHosts (may be
// nil) gives the datastores' host lists.
func PlacementOf(s *inventory.Snapshot, dsHosts *inventory.DatastoreHosts) Placement {
	out := Placement{[]PlacementObject{}, []PlacementObject{}, []PlacementInCluster{}, []PlacementInCluster{}, []PlacementDatastore{}, []PlacementNetwork{}}
	for _, f := range s.Folders {
		if f.Type == "VIRTUAL_MACHINE" {
			out.Folders = append(out.Folders, PlacementObject{f.ID, f.Name, f.Datacenter})
		}
	}
	for _, c := range s.Clusters {
		out.Clusters = append(out.Clusters, PlacementObject{c.ID, c.Name, c.Datacenter})
	}
	for _, h := range s.Hosts {
		out.Hosts = append(out.Hosts, PlacementInCluster{h.ID, h.Name, h.Cluster, h.Datacenter})
	}
	for _, p := range s.ResourcePools {
		out.ResourcePools = append(out.ResourcePools, PlacementInCluster{p.ID, p.Name, p.Cluster, p.Datacenter})
	}
	for _, d := range s.Datastores {
		out.Datastores = append(out.Datastores, PlacementDatastore{d.ID, d.Name, d.Type, d.CapacityBytes, d.FreeBytes, d.Datacenter, dsHosts.HostIDs(d.ID)})
	}
	for _, n := range s.Networks {
		out.Networks = append(out.Networks, PlacementNetwork{n.ID, n.Name, n.Type, n.Datacenter})
	}
	return out
}

func (a *API) placement(w http.ResponseWriter, r *http.Request) {
	s, err := a.snapshot(r)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	// Host lists come from vROps (one bulk call per snapshot, shared with inventory/datastores);
	// without them the datastores still list, without "hosts".
	writeJSON(w, http.StatusOK, PlacementOf(s, a.d.Query.Inventory.DatastoreHosts(r.Context(), s)))
}
