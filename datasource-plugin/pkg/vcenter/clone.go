package vcenter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/privatecloud/vsphere/pkg/models"
)

// Clone and relocate of a VM (VMware's vcenter VM service, `VM.CloneSpec` and `VM.RelocateSpec`,
// vSphere API 7.0.0.0; served under /api from vCenter 7.0 U2). Field names are those of VMware's
// published bindings (vmware-vcenter, com.vmware.vcenter_client).

// ClonePlacementSpec is `VM.ClonePlacementSpec`: every part left out is taken from the source VM.
type ClonePlacementSpec struct {
	Folder       string `json:"folder,omitempty"`
	ResourcePool string `json:"resource_pool,omitempty"`
	Host         string `json:"host,omitempty"`
	Cluster      string `json:"cluster,omitempty"`
	Datastore    string `json:"datastore,omitempty"`
}

// CloneSpec is the body of POST /api/vcenter/vm?action=clone (`VM.CloneSpec`, the parts we send).
type CloneSpec struct {
	Source    string              `json:"source"`
	Name      string              `json:"name"`
	Placement *ClonePlacementSpec `json:"placement,omitempty"`
	PowerOn   *bool               `json:"power_on,omitempty"`
	// GuestCustomizationSpec names a stored spec to apply (`VM.GuestCustomizationSpec`).
	GuestCustomizationSpec *GuestCustomizationByName `json:"guest_customization_spec,omitempty"`
}

// GuestCustomizationByName is a stored customization spec by name (`VM.GuestCustomizationSpec`,
// and deploy's `LibraryItems.GuestCustomizationSpec`).
type GuestCustomizationByName struct {
	Name string `json:"name"`
}

// RelocatePlacementSpec is `VM.RelocatePlacementSpec`: the parts left out stay as they are.
type RelocatePlacementSpec struct {
	Folder       string `json:"folder,omitempty"`
	ResourcePool string `json:"resource_pool,omitempty"`
	Host         string `json:"host,omitempty"`
	Cluster      string `json:"cluster,omitempty"`
	Datastore    string `json:"datastore,omitempty"`
}

// DiskRelocateSpec is `VM.DiskRelocateSpec` (vSphere API 7.0.0.0): the datastore a disk moves to
// (VMware: "currently required").
type DiskRelocateSpec struct {
	Datastore string `json:"datastore"`
}

// RelocateSpec is the body of POST /api/vcenter/vm/{vm}?action=relocate (`VM.RelocateSpec`).
// Disks maps disk keys ("2000") to where each goes; disks left out follow Placement.Datastore
// when that is given, else stay.
type RelocateSpec struct {
	Placement *RelocatePlacementSpec      `json:"placement,omitempty"`
	Disks     map[string]DiskRelocateSpec `json:"disks,omitempty"`
}

// CloneVM clones a VM and returns the new VM's id (vCenter answers it as a JSON string). Not
// retried: a retry could make a second copy.
func (c *Client) CloneVM(ctx context.Context, spec CloneSpec) (string, error) {
	var raw []byte
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/vcenter/vm", query: url.Values{"action": {"clone"}}, body: spec, rawOut: &raw,
		op: "clone of VM " + spec.Source + " to " + spec.Name})
	if err != nil {
		return "", err
	}
	id := parseToken(raw)
	if id == "" {
		return "", fmt.Errorf("%w: vCenter cloned VM %s to %s but answered without the new id; look it up by name", models.ErrOutcomeUnknown, spec.Source, spec.Name)
	}
	return id, nil
}

// RelocateVM moves a VM to another host, cluster, resource pool or datastore (vMotion / Storage
// vMotion); vCenter answers 204 when the move is done. Not retried.
func (c *Client) RelocateVM(ctx context.Context, id string, spec RelocateSpec) error {
	return c.do(ctx, request{method: http.MethodPost, path: "/api/vcenter/vm/" + url.PathEscape(id), query: url.Values{"action": {"relocate"}}, body: spec,
		op: "relocate of VM " + id})
}
