// Package vcenter is the only code that speaks HTTP to the vCenter REST API (/api): one session per
// data source instance, created lazily and shared (single-flight), renewed once on 401, logged out
// on Close; retries with back-off only for idempotent reads.
package vcenter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/upstream"
)

const maxReadAttempts = 4

// Client talks to one vCenter.
type Client struct {
	base     string
	user     string
	password string
	hc       *http.Client

	session upstream.Credential

	// Logins counts session creations; tests and health use it.
	Logins atomic.Int64
}

// New builds a client from the data source settings.
func New(s *models.Settings) (*Client, error) {
	hc, err := upstream.NewHTTPClient(s)
	if err != nil {
		return nil, err
	}
	return NewWithHTTPClient(s.VcenterURL, s.VcenterUser, s.Secrets.VcenterPassword, hc), nil
}

// NewWithHTTPClient builds a client on a given http.Client (tests).
func NewWithHTTPClient(base, user, password string, hc *http.Client) *Client {
	return &Client{base: base, user: user, password: password, hc: hc}
}

// BaseURL is the vCenter URL (for messages).
func (c *Client) BaseURL() string { return c.base }

// ensureSession returns the shared session token, logging in once for all concurrent callers;
// stale is the token a caller just saw rejected.
func (c *Client) ensureSession(ctx context.Context, stale string) (string, error) {
	return c.session.Get(ctx, stale, c.createSession)
}

func (c *Client) createSession(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/session", nil)
	if err != nil {
		return "", fmt.Errorf("%w: vCenter URL %q is not usable: %v", models.ErrInvalidSettings, c.base, err)
	}
	req.SetBasicAuth(c.user, c.password)
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", upstream.ClassifyTransport("vCenter", c.base, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK:
		tok := parseToken(body)
		if tok == "" {
			return "", fmt.Errorf("%w: vCenter at %s answered the login with something that is not a session token: is this the vCenter URL (7.0 U2 or later)?", models.ErrUpstream, c.base)
		}
		c.Logins.Add(1)
		return tok, nil
	case resp.StatusCode == http.StatusUnauthorized:
		return "", fmt.Errorf("%w: vCenter refused the login: check user and password", models.ErrBadCredentials)
	case resp.StatusCode == http.StatusForbidden:
		return "", fmt.Errorf("%w: vCenter user %q may not log in to the REST API: give it a role on the vCenter", models.ErrForbidden, c.user)
	case resp.StatusCode == http.StatusNotFound:
		return "", fmt.Errorf("%w: vCenter at %s has no /api/session: it must be vCenter 7.0 U2 or later, and the URL must not include a path", models.ErrUpstream, c.base)
	default:
		return "", parseError(resp.StatusCode, body, "login")
	}
}

// Close logs the session out so that sessions do not pile up against vCenter's per-user cap.
func (c *Client) Close(ctx context.Context) error {
	tok := c.session.Take()
	c.hc.CloseIdleConnections()
	if tok == "" {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, c.base+"/api/session", nil)
	if err != nil {
		return err
	}
	req.Header.Set("vmware-api-session-id", tok)
	resp, err := c.hc.Do(req)
	if err != nil {
		return upstream.ClassifyTransport("vCenter", c.base, err)
	}
	resp.Body.Close()
	c.hc.CloseIdleConnections()
	return nil
}

func parseError(status int, body []byte, op string) error {
	e := &APIError{Status: status, Op: op}
	_ = json.Unmarshal(body, e)
	return e
}

// request describes one call.
type request struct {
	method     string
	path       string
	query      url.Values
	body       any
	out        any
	rawOut     *[]byte
	op         string
	idempotent bool
}

// do runs a call with the session header; on 401 it renews the session once and repeats;
// idempotent reads are retried with back-off on transport errors and 429/502/503/504.
func (c *Client) do(ctx context.Context, r request) error {
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("%w: %v", models.ErrInvalidInput, err)
		}
	}
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	renewed := false
	attempt := 0
	for {
		attempt++
		tok, err := c.ensureSession(ctx, "")
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, r.method, u, bytes.NewReader(payload))
		if err != nil {
			return fmt.Errorf("%w: %v", models.ErrInvalidInput, err)
		}
		req.Header.Set("vmware-api-session-id", tok)
		req.Header.Set("Accept", "application/json")
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			if r.idempotent && upstream.RetryWait(ctx, attempt, maxReadAttempts) {
				continue
			}
			if !r.idempotent && (errors.Is(err, context.DeadlineExceeded) || isTimeout(err)) {
				return fmt.Errorf("%w: vCenter did not answer %s in time", models.ErrOutcomeUnknown, r.op)
			}
			return upstream.ClassifyTransport("vCenter", c.base, err)
		}
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		if rerr != nil {
			if !r.idempotent {
				return fmt.Errorf("%w: the answer of vCenter to %s was cut off", models.ErrOutcomeUnknown, r.op)
			}
			return upstream.ClassifyTransport("vCenter", c.base, rerr)
		}
		if resp.StatusCode == http.StatusUnauthorized {
			if renewed {
				return fmt.Errorf("%w: vCenter rejected a freshly created session for %s: check that the user may use the REST API", models.ErrBadCredentials, r.op)
			}
			renewed = true
			if _, err := c.ensureSession(ctx, tok); err != nil {
				return err
			}
			attempt--
			continue
		}
		if resp.StatusCode >= 400 {
			apiErr := parseError(resp.StatusCode, body, r.op).(*APIError)
			if r.idempotent && upstream.Retryable(resp.StatusCode) && !apiErr.HasMessageID("tools_not_running") && upstream.RetryWait(ctx, attempt, maxReadAttempts) {
				continue
			}
			return apiErr
		}
		if r.rawOut != nil {
			*r.rawOut = body
		}
		if r.out != nil && len(body) > 0 {
			if err := json.Unmarshal(body, r.out); err != nil {
				return fmt.Errorf("%w: vCenter answered %s with unexpected JSON: %v", models.ErrUpstream, r.op, err)
			}
		}
		return nil
	}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func listQuery(f ListFilter) url.Values {
	q := url.Values{}
	for k, vs := range f {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	return q
}

func list[T any](ctx context.Context, c *Client, path, op string, f ListFilter) ([]T, error) {
	var out []T
	err := c.do(ctx, request{method: http.MethodGet, path: path, query: listQuery(f), out: &out, op: op, idempotent: true})
	return out, err
}

// ListVMs lists VMs (filters: vms, names, folders, datacenters, hosts, clusters, resource_pools, power_states).
func (c *Client) ListVMs(ctx context.Context, f ListFilter) ([]VMSummary, error) {
	return list[VMSummary](ctx, c, "/api/vcenter/vm", "VM list", f)
}

// ListHosts lists hosts.
func (c *Client) ListHosts(ctx context.Context, f ListFilter) ([]Host, error) {
	return list[Host](ctx, c, "/api/vcenter/host", "host list", f)
}

// ListClusters lists clusters.
func (c *Client) ListClusters(ctx context.Context, f ListFilter) ([]Cluster, error) {
	return list[Cluster](ctx, c, "/api/vcenter/cluster", "cluster list", f)
}

// ListDatastores lists datastores.
func (c *Client) ListDatastores(ctx context.Context, f ListFilter) ([]Datastore, error) {
	return list[Datastore](ctx, c, "/api/vcenter/datastore", "datastore list", f)
}

// ListNetworks lists networks.
func (c *Client) ListNetworks(ctx context.Context, f ListFilter) ([]Network, error) {
	return list[Network](ctx, c, "/api/vcenter/network", "network list", f)
}

// ListFolders lists folders.
func (c *Client) ListFolders(ctx context.Context, f ListFilter) ([]Folder, error) {
	return list[Folder](ctx, c, "/api/vcenter/folder", "folder list", f)
}

// ListResourcePools lists resource pools.
func (c *Client) ListResourcePools(ctx context.Context, f ListFilter) ([]ResourcePool, error) {
	return list[ResourcePool](ctx, c, "/api/vcenter/resource-pool", "resource pool list", f)
}

// ListDatacenters lists datacenters.
func (c *Client) ListDatacenters(ctx context.Context, f ListFilter) ([]Datacenter, error) {
	return list[Datacenter](ctx, c, "/api/vcenter/datacenter", "datacenter list", f)
}

// GetVM reads one VM's configuration.
func (c *Client) GetVM(ctx context.Context, id string) (*VMInfo, error) {
	out := &VMInfo{}
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/vcenter/vm/" + url.PathEscape(id), out: out, op: "read of VM " + id, idempotent: true})
	return out, err
}

// GuestIdentity reads guest identity; fails with 503 when VMware Tools do not run.
func (c *Client) GuestIdentity(ctx context.Context, id string) (*GuestIdentity, error) {
	out := &GuestIdentity{}
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/vcenter/vm/" + url.PathEscape(id) + "/guest/identity", out: out, op: "guest identity of " + id, idempotent: true})
	return out, err
}

// GuestFilesystems reads guest filesystems keyed by mount point.
func (c *Client) GuestFilesystems(ctx context.Context, id string) (map[string]LocalFilesystem, error) {
	out := map[string]LocalFilesystem{}
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/vcenter/vm/" + url.PathEscape(id) + "/guest/local-filesystem", out: &out, op: "guest filesystems of " + id, idempotent: true})
	return out, err
}

// GuestInterfaces reads guest NIC addresses.
func (c *Client) GuestInterfaces(ctx context.Context, id string) ([]GuestInterface, error) {
	var out []GuestInterface
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/vcenter/vm/" + url.PathEscape(id) + "/guest/networking/interfaces", out: &out, op: "guest interfaces of " + id, idempotent: true})
	return out, err
}

// CreateVM creates a VM and returns its id. Not retried: a retry could create a second VM.
func (c *Client) CreateVM(ctx context.Context, spec CreateSpec) (string, error) {
	var raw []byte
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/vcenter/vm", body: spec, rawOut: &raw, op: "create of VM " + spec.Name})
	if err != nil {
		return "", err
	}
	// vCenter answers a JSON string; accept a bare id too (see parseToken).
	id := parseToken(raw)
	if id == "" {
		return "", fmt.Errorf("%w: vCenter created VM %s but answered without its id; look it up by name", models.ErrOutcomeUnknown, spec.Name)
	}
	return id, nil
}

// PatchCPU changes the CPU count.
func (c *Client) PatchCPU(ctx context.Context, id string, spec CPUSpec) error {
	return c.do(ctx, request{method: http.MethodPatch, path: "/api/vcenter/vm/" + url.PathEscape(id) + "/hardware/cpu", body: spec, op: "CPU change of VM " + id})
}

// PatchMemory changes the memory size.
func (c *Client) PatchMemory(ctx context.Context, id string, spec MemorySpec) error {
	return c.do(ctx, request{method: http.MethodPatch, path: "/api/vcenter/vm/" + url.PathEscape(id) + "/hardware/memory", body: spec, op: "memory change of VM " + id})
}

// Power runs a hard power action: start, stop, suspend, reset.
func (c *Client) Power(ctx context.Context, id, action string) error {
	return c.do(ctx, request{method: http.MethodPost, path: "/api/vcenter/vm/" + url.PathEscape(id) + "/power", query: url.Values{"action": {action}}, op: action + " of VM " + id})
}

// GuestPower asks VMware Tools for shutdown, reboot or standby.
func (c *Client) GuestPower(ctx context.Context, id, action string) error {
	return c.do(ctx, request{method: http.MethodPost, path: "/api/vcenter/vm/" + url.PathEscape(id) + "/guest/power", query: url.Values{"action": {action}}, op: "guest " + action + " of VM " + id})
}

// DeleteVM deletes a VM and its files.
func (c *Client) DeleteVM(ctx context.Context, id string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: "/api/vcenter/vm/" + url.PathEscape(id), op: "delete of VM " + id})
}

// Version is what /api/appliance/system/version reports.
type Version struct {
	Version string `json:"version"`
	Build   string `json:"build"`
	Product string `json:"product"`
}

// Version reads the appliance version; the session is checked as a side effect.
func (c *Client) Version(ctx context.Context) (*Version, error) {
	v := &Version{}
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/appliance/system/version", out: v, op: "version read", idempotent: true})
	return v, err
}

// CheckSession logs in (if needed) and reads the session info, proving the credentials work.
func (c *Client) CheckSession(ctx context.Context) (string, error) {
	var info struct {
		User string `json:"user"`
	}
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/session", out: &info, op: "session check", idempotent: true})
	return info.User, err
}

// tokenPattern is what a session token looks like (32 hex chars on vCenter, UUIDs on simulators).
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,256}$`)

// parseToken accepts the JSON string vCenter sends ("…"), the /rest wrapper {"value":"…"} and a
// bare token, which some proxies and simulators answer as text/plain.
func parseToken(body []byte) string {
	var tok string
	if json.Unmarshal(body, &tok) == nil && tokenPattern.MatchString(tok) {
		return tok
	}
	var wrapped struct {
		Value string `json:"value"`
	}
	if json.Unmarshal(body, &wrapped) == nil && tokenPattern.MatchString(wrapped.Value) {
		return wrapped.Value
	}
	if t := strings.TrimSpace(string(body)); tokenPattern.MatchString(t) {
		return t
	}
	return ""
}
