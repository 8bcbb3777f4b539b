// Package relay is the client of the alert relay's internal API (docs/contracts.md §5): audit
// events and alert e-mail subscriptions, authenticated with the shared bearer token.
package relay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/upstream"
)

// AuditUser is who did something.
type AuditUser struct {
	Login string `json:"login"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

// AuditVM is the target of an action.
type AuditVM struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AuditEvent is one mutation, allowed or refused (docs/contracts.md §3).
type AuditEvent struct {
	ID      string         `json:"id,omitempty"`
	Time    string         `json:"time"`
	User    AuditUser      `json:"user"`
	Action  string         `json:"action"`
	VM      AuditVM        `json:"vm"`
	Params  map[string]any `json:"params"`
	Outcome string         `json:"outcome"`
	Error   string         `json:"error,omitempty"`
	// Where it happened (docs/contracts.md §5): the data source, its vCenter and the Grafana org,
	// so several vCenters on one relay never mix events for the same VM id.
	DatasourceUID string `json:"datasourceUid,omitempty"`
	VCenter       string `json:"vcenter,omitempty"`
	OrgID         int64  `json:"orgId,omitempty"`
}

// Keys of Params the backend sets on VM change events: the operation's key (one per change) and
// the phase ("intent" before vCenter is called, "outcome" after). An event is identified by
// key and phase, which makes redelivery from the spool idempotent (spool.go).
const (
	ParamOperation = "auditOperation"
	ParamPhase     = "auditPhase"
	PhaseIntent    = "intent"
	PhaseOutcome   = "outcome"
)

// Key is the idempotency key of an event: its operation and phase ("" for events without).
func (e *AuditEvent) Key() string {
	op, _ := e.Params[ParamOperation].(string)
	ph, _ := e.Params[ParamPhase].(string)
	if op == "" {
		return ""
	}
	return op + ":" + ph
}

// AuditPage is a page of audit events.
type AuditPage struct {
	Items []AuditEvent `json:"items"`
	Total int          `json:"total"`
}

// Client talks to the relay; nil-safe methods report ErrNotConfigured.
type Client struct {
	base  string
	token string
	hc    *http.Client
}

// New builds a client, or nil when no relay is configured.
func New(s *models.Settings) (*Client, error) {
	if s.RelayURL == "" {
		return nil, nil
	}
	hc, err := upstream.NewHTTPClient(s)
	if err != nil {
		return nil, err
	}
	return &Client{base: s.RelayURL, token: s.Secrets.RelayToken, hc: noRedirects(hc)}, nil
}

// NewWithHTTPClient builds a client on a given http.Client (tests).
func NewWithHTTPClient(base, token string, hc *http.Client) *Client {
	return &Client{base: base, token: token, hc: noRedirects(hc)}
}

// noRedirects is a copy of hc that answers a redirect instead of following it with the token.
func noRedirects(hc *http.Client) *http.Client {
	cp := *hc
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// Status is an HTTP error from the relay.
type Status struct {
	Code    int
	Message string
}

// Error says what the relay answered.
func (e *Status) Error() string {
	return fmt.Sprintf("the alert relay answered HTTP %d: %s", e.Code, e.Message)
}

// Unwrap maps 404 to ErrNotFound and everything else to ErrUpstream.
func (e *Status) Unwrap() error {
	if e.Code == http.StatusNotFound {
		return models.ErrNotFound
	}
	if e.Code == http.StatusBadRequest {
		return models.ErrInvalidInput
	}
	return models.ErrUpstream
}

// do sends a call with the bearer token and decodes JSON into out.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any, headers ...http.Header) error {
	if c == nil {
		return fmt.Errorf("%w: no alert relay is configured for this data source: set the relay URL and token", models.ErrNotConfigured)
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%w: %v", models.ErrInvalidInput, err)
		}
		rd = bytes.NewReader(b)
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	for _, h := range headers {
		for k, v := range h {
			req.Header[k] = v
		}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return upstream.ClassifyTransport("the alert relay", c.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		// Redirects are not followed: the bearer token must only go to the configured relay.
		target := "an address it did not name"
		if loc, err := resp.Location(); err == nil {
			target = upstream.RedirectTarget(loc)
		}
		return fmt.Errorf("%w: the alert relay answered with a redirect (HTTP %d) to %q; it is not followed, so the relay token goes nowhere else: set the relay URL to the relay itself",
			models.ErrUpstream, resp.StatusCode, target)
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if resp.StatusCode >= 400 {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(raw, &e)
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
		return &Status{Code: resp.StatusCode, Message: e.Message}
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%w: the alert relay answered with unexpected JSON: %v", models.ErrUpstream, err)
		}
	}
	return nil
}

// PostAudit records an audit event.
func (c *Client) PostAudit(ctx context.Context, ev AuditEvent) error {
	return c.do(ctx, http.MethodPost, "/internal/audit", nil, ev, nil)
}

// ListAudit reads audit events.
func (c *Client) ListAudit(ctx context.Context, q url.Values) (*AuditPage, error) {
	p := &AuditPage{}
	err := c.do(ctx, http.MethodGet, "/internal/audit", q, nil, p)
	return p, err
}

// Subscription is a user's alert e-mail subscription as the relay stores it (docs/contracts.md §5);
// the backend passes it through and only sets the identity fields.
type Subscription map[string]any

// GetSubscription reads one user's subscription; models.ErrNotFound when the user has none yet.
func (c *Client) GetSubscription(ctx context.Context, login string) (Subscription, error) {
	var sub Subscription
	err := c.do(ctx, http.MethodGet, "/internal/users/"+url.PathEscape(login), nil, nil, &sub)
	return sub, err
}

// PutSubscription creates or replaces one user's subscription and returns what the relay stored;
// actor is who made the change (the relay audits subscription changes, docs/contracts.md §5).
func (c *Client) PutSubscription(ctx context.Context, login string, sub Subscription, actor AuditUser) (Subscription, error) {
	var out Subscription
	h := http.Header{}
	if actor.Login != "" {
		h.Set("X-Actor-Login", actor.Login)
		h.Set("X-Actor-Role", actor.Role)
	}
	err := c.do(ctx, http.MethodPut, "/internal/users/"+url.PathEscape(login), nil, sub, &out, h)
	return out, err
}

// TestMail is the relay's answer to a test-mail request: the confirmed address it queued it for.
type TestMail struct {
	SentTo string `json:"sentTo"`
}

// SendTestMail asks the relay to queue one test mail to the user's confirmed address
// (docs/contracts.md §5); a *Status with 409 when the address is missing or unconfirmed, 429 when
// the user asked too often.
func (c *Client) SendTestMail(ctx context.Context, login string) (TestMail, error) {
	var out TestMail
	err := c.do(ctx, http.MethodPost, "/internal/users/"+url.PathEscape(login)+"/test-mail", nil, nil, &out)
	return out, err
}

// ListSubscriptions reads every user's subscription (Admins only, checked by the caller).
func (c *Client) ListSubscriptions(ctx context.Context) ([]Subscription, error) {
	var out []Subscription
	err := c.do(ctx, http.MethodGet, "/internal/users", nil, nil, &out)
	if out == nil {
		out = []Subscription{}
	}
	return out, err
}
