// Package vrops is the only code that speaks HTTP to the vROps / Aria Operations Suite API: one
// token per data source instance, acquired lazily and shared (single-flight), re-acquired once on
// 401, released on Close. Every call it makes is a read, so all are retried with back-off.
package vrops

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/upstream"
)

const maxAttempts = 4

// APIError is the vROps `error` body plus the HTTP status.
type APIError struct {
	Status             int    `json:"-"`
	Message            string `json:"message"`
	APIErrorCode       int    `json:"apiErrorCode"`
	ValidationFailures []struct {
		FailureMessage string `json:"failureMessage"`
	} `json:"validationFailures"`
	Op string `json:"-"`
}

// Error joins the message and the validation failures.
func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	for _, f := range e.ValidationFailures {
		msg += "; " + f.FailureMessage
	}
	advice := ""
	switch e.Status {
	case http.StatusUnauthorized:
		advice = ": check the vROps user, password and auth source"
	case http.StatusForbidden:
		advice = ": give the vROps user a role with read access to the vCenter adapter's objects"
	}
	return fmt.Sprintf("vROps %s failed (HTTP %d): %s%s", e.Op, e.Status, msg, advice)
}

// Unwrap maps the status to our typed kinds.
func (e *APIError) Unwrap() error {
	if e.Status == http.StatusBadRequest || e.Status == http.StatusUnprocessableEntity {
		return models.ErrInvalidInput
	}
	return upstream.StatusKind(e.Status)
}

// Client talks to one vROps.
type Client struct {
	base       string
	user       string
	password   string
	authSource string
	hc         *http.Client

	token upstream.Credential

	// Acquires counts token acquisitions.
	Acquires atomic.Int64
}

// New builds a client from the settings; nil when no vROps URL is configured.
func New(s *models.Settings) (*Client, error) {
	if s.VropsURL == "" {
		return nil, nil
	}
	hc, err := upstream.NewHTTPClient(s)
	if err != nil {
		return nil, err
	}
	return NewWithHTTPClient(s.VropsURL, s.VropsUser, s.Secrets.VropsPassword, s.VropsAuthSource, hc), nil
}

// NewWithHTTPClient builds a client on a given http.Client.
func NewWithHTTPClient(base, user, password, authSource string, hc *http.Client) *Client {
	base = strings.TrimSuffix(strings.TrimRight(base, "/"), "/suite-api")
	return &Client{base: base, user: user, password: password, authSource: authSource, hc: hc}
}

// BaseURL is the vROps URL (for messages).
func (c *Client) BaseURL() string { return c.base }

// ensureToken returns the shared token, acquiring it once for all concurrent callers; stale is
// the token a caller just saw rejected.
func (c *Client) ensureToken(ctx context.Context, stale string) (string, error) {
	return c.token.Get(ctx, stale, c.acquire)
}

func (c *Client) acquire(ctx context.Context) (string, error) {
	body := map[string]string{"username": c.user, "password": c.password}
	if c.authSource != "" {
		body["authSource"] = c.authSource
	}
	payload, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/suite-api/api/auth/token/acquire", bytes.NewReader(payload))
	if err != nil {
		return "", fmt.Errorf("%w: vROps URL %q is not usable: %v", models.ErrInvalidSettings, c.base, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", upstream.ClassifyTransport("vROps", c.base, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch resp.StatusCode {
	case http.StatusOK, http.StatusCreated:
		var tok struct {
			Token string `json:"token"`
		}
		if json.Unmarshal(raw, &tok) != nil || tok.Token == "" {
			return "", fmt.Errorf("%w: vROps at %s answered the token request without a token: is this the vROps URL?", models.ErrUpstream, c.base)
		}
		c.Acquires.Add(1)
		return tok.Token, nil
	case http.StatusUnauthorized:
		return "", fmt.Errorf("%w: vROps refused the login: check user, password and auth source", models.ErrBadCredentials)
	case http.StatusForbidden:
		return "", fmt.Errorf("%w: vROps user %q may not use the API: give it a role", models.ErrForbidden, c.user)
	case http.StatusNotFound:
		return "", fmt.Errorf("%w: vROps at %s has no /suite-api/api/auth/token/acquire: check the URL", models.ErrUpstream, c.base)
	}
	e := &APIError{Status: resp.StatusCode, Op: "token request"}
	_ = json.Unmarshal(raw, e)
	return "", e
}

// Close releases the token.
func (c *Client) Close(ctx context.Context) error {
	tok := c.token.Take()
	defer c.hc.CloseIdleConnections()
	if tok == "" {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/suite-api/api/auth/token/release", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "vRealizeOpsToken "+tok)
	resp, err := c.hc.Do(req)
	if err != nil {
		return upstream.ClassifyTransport("vROps", c.base, err)
	}
	resp.Body.Close()
	return nil
}

func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any, op string) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("%w: %v", models.ErrInvalidInput, err)
		}
	}
	u := c.base + "/suite-api/api" + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	renewed := false
	for attempt := 1; ; attempt++ {
		tok, err := c.ensureToken(ctx, "")
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(payload))
		if err != nil {
			return fmt.Errorf("%w: %v", models.ErrInvalidInput, err)
		}
		req.Header.Set("Authorization", "vRealizeOpsToken "+tok)
		req.Header.Set("Accept", "application/json")
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			if upstream.RetryWait(ctx, attempt, maxAttempts) {
				continue
			}
			return upstream.ClassifyTransport("vROps", c.base, err)
		}
		raw, rerr := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
		resp.Body.Close()
		if rerr != nil {
			return upstream.ClassifyTransport("vROps", c.base, rerr)
		}
		if resp.StatusCode == http.StatusUnauthorized && !renewed {
			renewed = true
			if _, err := c.ensureToken(ctx, tok); err != nil {
				return err
			}
			attempt--
			continue
		}
		if resp.StatusCode >= 400 {
			if upstream.Retryable(resp.StatusCode) && upstream.RetryWait(ctx, attempt, maxAttempts) {
				continue
			}
			e := &APIError{Status: resp.StatusCode, Op: op}
			_ = json.Unmarshal(raw, e)
			return e
		}
		if out != nil && len(raw) > 0 {
			if err := json.Unmarshal(raw, out); err != nil {
				return fmt.Errorf("%w: vROps answered %s with unexpected JSON: %v", models.ErrUpstream, op, err)
			}
		}
		return nil
	}
}

// Identifier is one resource identifier.
type Identifier struct {
	IdentifierType struct {
		Name string `json:"name"`
	} `json:"identifierType"`
	Value string `json:"value"`
}

// Resource is one item of a resources page.
type Resource struct {
	Identifier  string `json:"identifier"`
	ResourceKey struct {
		Name                string       `json:"name"`
		AdapterKindKey      string       `json:"adapterKindKey"`
		ResourceKindKey     string       `json:"resourceKindKey"`
		ResourceIdentifiers []Identifier `json:"resourceIdentifiers"`
	} `json:"resourceKey"`
}

// IdentifierValue returns the value of the named identifier.
func (r *Resource) IdentifierValue(name string) string {
	for _, id := range r.ResourceKey.ResourceIdentifiers {
		if id.IdentifierType.Name == name {
			return id.Value
		}
	}
	return ""
}

type resourcesPage struct {
	PageInfo struct {
		TotalCount int `json:"totalCount"`
	} `json:"pageInfo"`
	ResourceList []Resource `json:"resourceList"`
}

// QueryResources pages through POST /resources/query for the VMWARE adapter's given kinds.
func (c *Client) QueryResources(ctx context.Context, kinds []string) ([]Resource, error) {
	const pageSize = 5000
	var all []Resource
	for page := 0; ; page++ {
		var p resourcesPage
		body := map[string]any{"adapterKind": []string{"VMWARE"}, "resourceKind": kinds}
		q := url.Values{"page": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(pageSize)}}
		if err := c.do(ctx, http.MethodPost, "/resources/query", q, body, &p, "resource query"); err != nil {
			return nil, err
		}
		all = append(all, p.ResourceList...)
		if len(p.ResourceList) == 0 || (page+1)*pageSize >= p.PageInfo.TotalCount {
			return all, nil
		}
	}
}

// MaxRelationshipIDs is how many resource ids one bulk relationships call carries, like the
// stats calls (vROps handles more, but large bulk calls take tens of seconds).
const MaxRelationshipIDs = 1000

// RelatedIDs are the requested resources a related resource relates to. vROps documents them as
// id strings; an object with an `identifier` is accepted too.
type RelatedIDs []string

// UnmarshalJSON accepts `["id", …]` and `[{"identifier": "id", …}, …]`.
func (r *RelatedIDs) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make([]string, 0, len(raw))
	for _, e := range raw {
		var s string
		if json.Unmarshal(e, &s) == nil {
			out = append(out, s)
			continue
		}
		var o struct {
			Identifier string `json:"identifier"`
		}
		if err := json.Unmarshal(e, &o); err != nil {
			return err
		}
		out = append(out, o.Identifier)
	}
	*r = out
	return nil
}

// Relation is one entry of a bulk relationships answer: a related resource and the ids of the
// requested resources it is related to (for PARENT: a parent and the children asked about).
type Relation struct {
	Resource         Resource   `json:"resource"`
	RelatedResources RelatedIDs `json:"relatedResources"`
}

// BulkRelationships runs POST /resources/bulk/relationships for the given relationship type
// (PARENT, CHILD, ALL, ANCESTOR, DESCENDANT): one call per MaxRelationshipIDs ids, every page.
func (c *Client) BulkRelationships(ctx context.Context, relationshipType string, ids []string) ([]Relation, error) {
	const pageSize = 5000
	var all []Relation
	for start := 0; start < len(ids); start += MaxRelationshipIDs {
		chunk := ids[start:min(start+MaxRelationshipIDs, len(ids))]
		body := map[string]any{"relationshipType": relationshipType, "resourceIds": chunk}
		for page := 0; ; page++ {
			var p struct {
				PageInfo struct {
					TotalCount int `json:"totalCount"`
				} `json:"pageInfo"`
				ResourcesRelations []Relation `json:"resourcesRelations"`
			}
			q := url.Values{"page": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(pageSize)}}
			if err := c.do(ctx, http.MethodPost, "/resources/bulk/relationships", q, body, &p, "relationships query"); err != nil {
				return nil, err
			}
			all = append(all, p.ResourcesRelations...)
			if len(p.ResourcesRelations) == 0 || (page+1)*pageSize >= p.PageInfo.TotalCount {
				break
			}
		}
	}
	return all, nil
}

// Stat is one series of a stats answer.
type Stat struct {
	Timestamps []int64 `json:"timestamps"`
	StatKey    struct {
		Key string `json:"key"`
	} `json:"statKey"`
	Data []float64 `json:"data"`
}

// ResourceStats is the stats of one resource.
type ResourceStats struct {
	ResourceID string `json:"resourceId"`
	StatList   struct {
		Stat []Stat `json:"stat"`
	} `json:"stat-list"`
}

type statsOfResources struct {
	Values []ResourceStats `json:"values"`
}

// StatsQuery is the POST /resources/stats/query body.
type StatsQuery struct {
	ResourceID         []string `json:"resourceId"`
	StatKey            []string `json:"statKey"`
	Begin              int64    `json:"begin"`
	End                int64    `json:"end"`
	RollUpType         string   `json:"rollUpType"`
	IntervalType       string   `json:"intervalType"`
	IntervalQuantifier int      `json:"intervalQuantifier"`
}

// QueryStats runs one bulk stats call.
func (c *Client) QueryStats(ctx context.Context, q StatsQuery) ([]ResourceStats, error) {
	var out statsOfResources
	err := c.do(ctx, http.MethodPost, "/resources/stats/query", nil, q, &out, "stats query")
	return out.Values, err
}

// QueryLatest runs one bulk latest-values call.
func (c *Client) QueryLatest(ctx context.Context, ids, keys []string) ([]ResourceStats, error) {
	var out statsOfResources
	body := map[string]any{"resourceId": ids, "statKey": keys, "maxSamples": 1, "currentOnly": false}
	err := c.do(ctx, http.MethodPost, "/resources/stats/latest/query", nil, body, &out, "latest stats query")
	return out.Values, err
}

// Alert is one vROps alert.
type Alert struct {
	AlertID             string `json:"alertId"`
	ResourceID          string `json:"resourceId"`
	AlertLevel          string `json:"alertLevel"`
	Status              string `json:"status"`
	StartTimeUTC        int64  `json:"startTimeUTC"`
	UpdateTimeUTC       int64  `json:"updateTimeUTC"`
	ControlState        string `json:"controlState"`
	AlertDefinitionID   string `json:"alertDefinitionId"`
	AlertDefinitionName string `json:"alertDefinitionName"`
	AlertImpact         string `json:"alertImpact"`
}

// QueryAlerts returns active alerts of at least the given criticalities (all pages).
func (c *Client) QueryAlerts(ctx context.Context, levels []string, resourceIDs []string) ([]Alert, error) {
	const pageSize = 1000
	var all []Alert
	for page := 0; ; page++ {
		var p struct {
			PageInfo struct {
				TotalCount int `json:"totalCount"`
			} `json:"pageInfo"`
			Alerts []Alert `json:"alerts"`
		}
		body := map[string]any{"activeOnly": true, "alertCriticality": levels}
		if len(resourceIDs) > 0 {
			body["resource-query"] = map[string]any{"resourceId": resourceIDs}
		}
		q := url.Values{"page": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(pageSize)}}
		if err := c.do(ctx, http.MethodPost, "/alerts/query", q, body, &p, "alert query"); err != nil {
			return nil, err
		}
		all = append(all, p.Alerts...)
		if len(p.Alerts) == 0 || (page+1)*pageSize >= p.PageInfo.TotalCount {
			return all, nil
		}
	}
}

// Version is GET /versions/current.
type Version struct {
	ReleaseName string `json:"releaseName"`
	Major       int    `json:"major"`
	Minor       int    `json:"minor"`
	BuildNumber int    `json:"buildNumber"`
}

// Version reads the product version (and proves the token works).
func (c *Client) Version(ctx context.Context) (*Version, error) {
	v := &Version{}
	err := c.do(ctx, http.MethodGet, "/versions/current", nil, nil, v, "version read")
	return v, err
}

// StatKey is one stat key definition of a resource kind.
type StatKey struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Unit        string `json:"unit"`
}

// StatKeys lists the stat keys of a VMWARE resource kind.
func (c *Client) StatKeys(ctx context.Context, kind string) ([]StatKey, error) {
	var out struct {
		ResourceTypeAttributes []StatKey `json:"resourceTypeAttributes"`
	}
	err := c.do(ctx, http.MethodGet, "/adapterkinds/VMWARE/resourcekinds/"+url.PathEscape(kind)+"/statkeys", nil, nil, &out, "stat key list")
	return out.ResourceTypeAttributes, err
}

// Ping proves the credentials by acquiring (or reusing) the token.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.ensureToken(ctx, "")
	return err
}

// MaxPropertyIDs is how many resource ids one latest-properties call carries.
const MaxPropertyIDs = 1000

// LatestProperties returns the latest value of each property key per resource id, as text
// (POST /resources/properties/latest/query; text properties come in `values`, numeric ones in
// `data`). Resources without a value for a key have no entry for it.
func (c *Client) LatestProperties(ctx context.Context, ids, keys []string) (map[string]map[string]string, error) {
	var out struct {
		Values []struct {
			ResourceID string `json:"resourceId"`
			Contents   struct {
				Content []struct {
					StatKey string    `json:"statKey"`
					Values  []string  `json:"values"`
					Data    []float64 `json:"data"`
				} `json:"property-content"`
			} `json:"property-contents"`
		} `json:"values"`
	}
	body := map[string]any{"resourceIds": ids, "propertyKeys": keys, "instanced": false}
	if err := c.do(ctx, http.MethodPost, "/resources/properties/latest/query", nil, body, &out, "latest properties query"); err != nil {
		return nil, err
	}
	res := make(map[string]map[string]string, len(out.Values))
	for _, v := range out.Values {
		m := map[string]string{}
		for _, p := range v.Contents.Content {
			switch {
			case len(p.Values) > 0:
				m[p.StatKey] = p.Values[len(p.Values)-1]
			case len(p.Data) > 0:
				m[p.StatKey] = strconv.FormatFloat(p.Data[len(p.Data)-1], 'f', -1, 64)
			}
		}
		res[v.ResourceID] = m
	}
	return res, nil
}

// ResourceStatKeys lists the stat keys one resource has data for (GET /resources/{id}/statkeys),
// instanced keys included (`net:4000|usage_average`).
func (c *Client) ResourceStatKeys(ctx context.Context, id string) ([]string, error) {
	var out struct {
		StatKey []struct {
			Key string `json:"key"`
		} `json:"stat-key"`
	}
	if err := c.do(ctx, http.MethodGet, "/resources/"+url.PathEscape(id)+"/statkeys", nil, nil, &out, "resource stat key list"); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(out.StatKey))
	for _, k := range out.StatKey {
		if k.Key != "" {
			keys = append(keys, k.Key)
		}
	}
	return keys, nil
}
