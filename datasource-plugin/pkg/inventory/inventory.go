// Package inventory keeps a cached, single-flight view of the vCenter objects and the vCenter id ⇄
// vROps id map. The VM list is built host by host (GET /api/vcenter/vm?hosts=…) because a VM's
// host and cluster are only visible through filtered lists, and because it keeps every list far
// below vCenter's 4,000-result cap, so 10,000-VM estates work.
package inventory

import (
	"context"

	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// listConcurrency bounds parallel list calls to vCenter so a rebuild cannot flood it.
const listConcurrency = 8

// VCenter is what the inventory needs from the vCenter client.
type VCenter interface {
	ListVMs(ctx context.Context, f vcenter.ListFilter) ([]vcenter.VMSummary, error)
	ListHosts(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Host, error)
	ListClusters(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Cluster, error)
	ListDatastores(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Datastore, error)
	ListNetworks(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Network, error)
	ListFolders(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Folder, error)
	ListResourcePools(ctx context.Context, f vcenter.ListFilter) ([]vcenter.ResourcePool, error)
	ListDatacenters(ctx context.Context, f vcenter.ListFilter) ([]vcenter.Datacenter, error)
}

// VROps is what the id map and the datastore host counts need from the vROps client.
type VROps interface {
	QueryResources(ctx context.Context, kinds []string) ([]vrops.Resource, error)
	BulkRelationships(ctx context.Context, relationshipType string, ids []string) ([]vrops.Relation, error)
}
