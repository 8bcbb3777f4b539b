package vcenter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/privatecloud/vsphere/pkg/models"
)

// OVF packages of content libraries (`ovf.LibraryItem`, vSphere API 6.8 / 6.7 U1; served under
// /api from vCenter 7.0 U2) and instant clone (`VM.instant_clone`, vSphere API 6.7.1). Shapes as
// VMware's bindings (vmware-vcenter: com.vmware.vcenter.ovf_client, com.vmware.vcenter_client).

// OVFTarget is `LibraryItem.DeploymentTarget`.
type OVFTarget struct {
	ResourcePoolID string `json:"resource_pool_id"`
	HostID         string `json:"host_id,omitempty"`
	FolderID       string `json:"folder_id,omitempty"`
}

// OVFSummary is the answer of ?action=filter (`LibraryItem.OvfSummary`).
type OVFSummary struct {
	Name       string   `json:"name"`
	Annotation string   `json:"annotation"`
	EULAs      []string `json:"EULAs"`
	Networks   []string `json:"networks"`
}

// OVFDeploymentSpec is `LibraryItem.ResourcePoolDeploymentSpec` (the parts we send).
type OVFDeploymentSpec struct {
	Name               string            `json:"name,omitempty"`
	AcceptAllEULA      bool              `json:"accept_all_EULA"`
	NetworkMappings    map[string]string `json:"network_mappings,omitempty"`
	DefaultDatastoreID string            `json:"default_datastore_id,omitempty"`
}

// ovfDeploymentResult is `LibraryItem.DeploymentResult`.
type ovfDeploymentResult struct {
	Succeeded  bool `json:"succeeded"`
	ResourceID *struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"resource_id"`
	Error *struct {
		Errors []struct {
			Message *Message `json:"message"`
		} `json:"errors"`
	} `json:"error"`
}

// FilterOVF reads what deploying an OVF package to the target needs (EULAs, networks).
func (c *Client) FilterOVF(ctx context.Context, item string, target OVFTarget) (*OVFSummary, error) {
	out := &OVFSummary{}
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/vcenter/ovf/library-item/" + url.PathEscape(item), query: url.Values{"action": {"filter"}},
		body: map[string]any{"target": target}, out: out, op: "filter of OVF package " + item, idempotent: true})
	return out, err
}

// DeployOVF deploys a VM from an OVF package and returns its id. Not retried.
func (c *Client) DeployOVF(ctx context.Context, item string, target OVFTarget, spec OVFDeploymentSpec) (string, error) {
	out := &ovfDeploymentResult{}
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/vcenter/ovf/library-item/" + url.PathEscape(item), query: url.Values{"action": {"deploy"}},
		body: map[string]any{"target": target, "deployment_spec": spec}, out: out, op: "deploy of OVF package " + item + " as " + spec.Name})
	if err != nil {
		return "", err
	}
	if !out.Succeeded {
		msg := "no reason given"
		if out.Error != nil && len(out.Error.Errors) > 0 && out.Error.Errors[0].Message != nil {
			msg = out.Error.Errors[0].Message.DefaultMessage
		}
		return "", fmt.Errorf("%w: vCenter did not deploy OVF package %s: %s", models.ErrUpstream, item, msg)
	}
	if out.ResourceID == nil || out.ResourceID.ID == "" {
		return "", fmt.Errorf("%w: vCenter deployed %s but answered without the new id; look it up by name", models.ErrOutcomeUnknown, spec.Name)
	}
	return out.ResourceID.ID, nil
}

// InstantClonePlacementSpec is `VM.InstantClonePlacementSpec`: parts left out are the source's.
type InstantClonePlacementSpec struct {
	Folder       string `json:"folder,omitempty"`
	ResourcePool string `json:"resource_pool,omitempty"`
	Datastore    string `json:"datastore,omitempty"`
}

// InstantCloneSpec is the body of POST /api/vcenter/vm?action=instant-clone (`VM.InstantCloneSpec`,
// the parts we send).
type InstantCloneSpec struct {
	Source    string                     `json:"source"`
	Name      string                     `json:"name"`
	Placement *InstantClonePlacementSpec `json:"placement,omitempty"`
}

// InstantCloneVM forks a running VM and returns the new, running VM's id. Not retried.
func (c *Client) InstantCloneVM(ctx context.Context, spec InstantCloneSpec) (string, error) {
	var raw []byte
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/vcenter/vm", query: url.Values{"action": {"instant-clone"}}, body: spec, rawOut: &raw,
		op: "instant clone of VM " + spec.Source + " to " + spec.Name})
	if err != nil {
		return "", err
	}
	id := parseToken(raw)
	if id == "" {
		return "", fmt.Errorf("%w: vCenter instant-cloned VM %s to %s but answered without the new id; look it up by name", models.ErrOutcomeUnknown, spec.Source, spec.Name)
	}
	return id, nil
}
