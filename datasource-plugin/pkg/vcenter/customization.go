package vcenter

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// Guest customization: a stored spec read in full (`guest.CustomizationSpecs.get`, vSphere API
// 6.7.1) and applied to a powered-off VM (`vm.guest.Customization.set`, vSphere API 7.0.0.0, PUT
// /api/vcenter/vm/{vm}/guest/customization). Shapes as VMware's bindings (vmware-vcenter:
// com.vmware.vcenter.guest_client, com.vmware.vcenter.vm.guest_client). The spec itself
// (`guest.CustomizationSpec`) stays raw JSON so that the parts we do not change go back unchanged.

// CustomizationSpecInfo is GET /api/vcenter/guest/customization-specs/{name}
// (`CustomizationSpecs.Info`).
type CustomizationSpecInfo struct {
	LastModified string `json:"last_modified"`
	Spec         struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Fingerprint string          `json:"fingerprint"`
		Spec        json.RawMessage `json:"spec"`
	} `json:"spec"`
}

// SetCustomizationSpec is `Customization.SetSpec`: a stored spec by name or one inline, not both.
type SetCustomizationSpec struct {
	Name string          `json:"name,omitempty"`
	Spec json.RawMessage `json:"spec,omitempty"`
}

// GetCustomizationSpec reads one stored guest customization spec.
func (c *Client) GetCustomizationSpec(ctx context.Context, name string) (*CustomizationSpecInfo, error) {
	out := &CustomizationSpecInfo{}
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/vcenter/guest/customization-specs/" + url.PathEscape(name), out: out,
		op: "read of customization spec " + name, idempotent: true})
	return out, err
}

// SetGuestCustomization applies a customization to a powered-off VM; the guest takes it on its
// next power on. vCenter answers 204. A repeat overwrites the pending one, so it may be retried,
// but it is not: the caller decides.
func (c *Client) SetGuestCustomization(ctx context.Context, vm string, spec SetCustomizationSpec) error {
	return c.do(ctx, request{method: http.MethodPut, path: "/api/vcenter/vm/" + url.PathEscape(vm) + "/guest/customization", body: spec,
		op: "guest customization of VM " + vm})
}
