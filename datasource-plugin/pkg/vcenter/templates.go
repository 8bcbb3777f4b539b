package vcenter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/privatecloud/vsphere/pkg/models"
)

// Content libraries, VM templates and guest customization specs. Shapes as VMware's bindings
// (vmware-vcenter: com.vmware.content_client `Library`, `library.Item`;
// com.vmware.vcenter.vm_template_client `LibraryItems` (vSphere API 6.8, i.e. 6.7 U1);
// com.vmware.vcenter.guest_client `CustomizationSpecs` (vSphere API 6.7.1)), served under /api
// from vCenter 7.0 U2.

// Library is GET /api/content/library/{library} (the fields we use).
type Library struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// LibraryItem is GET /api/content/library/item/{item} (the fields we use).
type LibraryItem struct {
	ID          string `json:"id"`
	LibraryID   string `json:"library_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Type        string `json:"type"` // "vm-template", "ovf", "iso", …
	Size        int64  `json:"size"`
}

// VMTemplateInfo is GET /api/vcenter/vm-template/library-items/{item} (`LibraryItems.Info`).
type VMTemplateInfo struct {
	GuestOS string `json:"guest_OS"`
	CPU     struct {
		Count          int `json:"count"`
		CoresPerSocket int `json:"cores_per_socket"`
	} `json:"cpu"`
	Memory struct {
		SizeMiB int64 `json:"size_MiB"`
	} `json:"memory"`
	Disks map[string]struct {
		Capacity int64 `json:"capacity"`
	} `json:"disks"`
	// NICs are the template's network adapters by key (`LibraryItems.EthernetInfo`, the fields we use).
	NICs map[string]struct {
		Network string `json:"network"`
	} `json:"nics"`
}

// DeployPlacementSpec is `LibraryItems.DeployPlacementSpec`.
type DeployPlacementSpec struct {
	Folder       string `json:"folder,omitempty"`
	ResourcePool string `json:"resource_pool,omitempty"`
	Host         string `json:"host,omitempty"`
	Cluster      string `json:"cluster,omitempty"`
}

// DeploySpec is the body of POST /api/vcenter/vm-template/library-items/{item}?action=deploy
// (`LibraryItems.DeploySpec`, the parts we send).
type DeploySpec struct {
	Name          string               `json:"name"`
	Placement     *DeployPlacementSpec `json:"placement,omitempty"`
	VMHomeStorage *struct {
		Datastore string `json:"datastore"`
	} `json:"vm_home_storage,omitempty"`
	DiskStorage *struct {
		Datastore string `json:"datastore"`
	} `json:"disk_storage,omitempty"`
	PoweredOn          *bool `json:"powered_on,omitempty"`
	GuestCustomization *struct {
		Name string `json:"name"`
	} `json:"guest_customization,omitempty"`
}

// CustomizationSpecSummary is one item of GET /api/vcenter/guest/customization-specs.
type CustomizationSpecSummary struct {
	Name         string `json:"name"`
	Description  string `json:"description"`
	OSType       string `json:"OS_type"` // "LINUX" or "WINDOWS" (`CustomizationSpecs.Summary`)
	LastModified string `json:"last_modified"`
}

// ListLibraries lists content library ids.
func (c *Client) ListLibraries(ctx context.Context) ([]string, error) {
	var out []string
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/content/library", out: &out, op: "content library list", idempotent: true})
	return out, err
}

// GetLibrary reads one content library.
func (c *Client) GetLibrary(ctx context.Context, id string) (*Library, error) {
	out := &Library{}
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/content/library/" + url.PathEscape(id), out: out, op: "read of content library " + id, idempotent: true})
	return out, err
}

// ListLibraryItems lists the item ids of one library.
func (c *Client) ListLibraryItems(ctx context.Context, library string) ([]string, error) {
	var out []string
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/content/library/item", query: url.Values{"library_id": {library}}, out: &out,
		op: "item list of content library " + library, idempotent: true})
	return out, err
}

// GetLibraryItem reads one library item.
func (c *Client) GetLibraryItem(ctx context.Context, id string) (*LibraryItem, error) {
	out := &LibraryItem{}
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/content/library/item/" + url.PathEscape(id), out: out, op: "read of library item " + id, idempotent: true})
	return out, err
}

// GetVMTemplate reads the VM template in a library item.
func (c *Client) GetVMTemplate(ctx context.Context, item string) (*VMTemplateInfo, error) {
	out := &VMTemplateInfo{}
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/vcenter/vm-template/library-items/" + url.PathEscape(item), out: out,
		op: "read of VM template " + item, idempotent: true})
	return out, err
}

// DeployTemplate deploys a VM from a template library item and returns the new VM's id. Not retried.
func (c *Client) DeployTemplate(ctx context.Context, item string, spec DeploySpec) (string, error) {
	var raw []byte
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/vcenter/vm-template/library-items/" + url.PathEscape(item), query: url.Values{"action": {"deploy"}},
		body: spec, rawOut: &raw, op: "deploy of template " + item + " as " + spec.Name})
	if err != nil {
		return "", err
	}
	id := parseToken(raw)
	if id == "" {
		return "", fmt.Errorf("%w: vCenter deployed %s but answered without the new id; look it up by name", models.ErrOutcomeUnknown, spec.Name)
	}
	return id, nil
}

// ListCustomizationSpecs lists the guest customization specs.
func (c *Client) ListCustomizationSpecs(ctx context.Context) ([]CustomizationSpecSummary, error) {
	var out []CustomizationSpecSummary
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/vcenter/guest/customization-specs", out: &out, op: "customization spec list", idempotent: true})
	return out, err
}
