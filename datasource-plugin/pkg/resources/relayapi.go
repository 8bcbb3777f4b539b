package resources

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
)

// audit lists audit events. Admins see everything; everyone else sees what happened to which
// object and who did it (login), but not other users' e-mail addresses (docs/contracts.md §3).
func (a *API) audit(w http.ResponseWriter, r *http.Request) {
	q := url.Values{}
	for _, k := range []string{"vm", "user", "from", "to", "page", "pageSize"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	// Only this data source's events: several vCenters on one relay share VM ids.
	if pc := httpadapter.PluginConfigFromContext(r.Context()); pc.DataSourceInstanceSettings != nil && pc.DataSourceInstanceSettings.UID != "" {
		q.Set("datasourceUid", pc.DataSourceInstanceSettings.UID)
	}
	p, err := a.d.Relay.ListAudit(r.Context(), q)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	if p.Items == nil {
		p.Items = []relay.AuditEvent{}
	}
	if !isAdmin(r) {
		login := ""
		if u := caller(r); u != nil {
			login = u.Login
		}
		redactAudit(p.Items, login)
	}
	writeJSON(w, http.StatusOK, p)
}

// redactAudit blanks the e-mail of every event not made by the reader.
func redactAudit(items []relay.AuditEvent, login string) {
	for i := range items {
		if login == "" || items[i].User.Login != login {
			items[i].User.Email = ""
		}
	}
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	u := caller(r)
	if u == nil {
		writeError(w, http.StatusUnauthorized, "unauthenticated", "no signed-in Grafana user")
		return
	}
	p := vmrules.Permissions(models.Role(u.Role), a.d.Settings.Roles)
	writeJSON(w, http.StatusOK, map[string]any{
		"login": u.Login, "email": u.Email, "name": u.Name, "role": u.Role,
		"permissions": map[string]bool{
			"create": p[vmrules.ActionCreate], "edit": p[vmrules.ActionEdit], "power": p[vmrules.ActionPower], "delete": p[vmrules.ActionDelete],
			"clone": p[vmrules.ActionClone], "migrate": p[vmrules.ActionMigrate],
			"manageSubscriptions": models.Role(u.Role) == models.RoleAdmin,
		},
	})
}

func (a *API) getMySubscription(w http.ResponseWriter, r *http.Request) {
	u := caller(r)
	sub, err := a.d.Relay.GetSubscription(r.Context(), u.Login)
	if errors.Is(err, models.ErrNotFound) {
		// Not registered yet: answer the defaults the form starts from.
		writeJSON(w, http.StatusOK, map[string]any{"login": u.Login, "email": u.Email, "name": u.Name, "confirmed": false,
			"minSeverity": "warning", "matchers": map[string]any{}, "firing": true, "resolved": true, "digestMinutes": 0})
		return
	}
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sub)
}

func readBody(r *http.Request, v any) error {
	if r.Body == nil { // httpadapter leaves Body nil when Grafana sends none
		return vmrules.Invalid("the request needs a JSON body")
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return vmrules.Invalid("the request body could not be read")
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return vmrules.Invalid("the request body is not valid JSON for this call: %v", err)
	}
	return nil
}

func (a *API) putSubscriptionFor(w http.ResponseWriter, r *http.Request, login, email, name string, own bool) {
	var sub relay.Subscription
	if r.Body == nil {
		writeError(w, http.StatusBadRequest, "bad_request", "the body must be a subscription JSON object")
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(raw, &sub) != nil || sub == nil {
		writeError(w, http.StatusBadRequest, "bad_request", "the body must be a subscription JSON object")
		return
	}
	// Identity comes from Grafana, never from the body: one's own save carries one's Grafana
	// e-mail and name (even when empty); an Admin's change of someone else's keeps what the
	// relay stores.
	sub["login"] = login
	delete(sub, "email")
	delete(sub, "name")
	if own {
		sub["email"] = email
		sub["name"] = name
	}
	actor := relay.AuditUser{}
	if u := caller(r); u != nil {
		actor = relay.AuditUser{Login: u.Login, Email: u.Email, Role: u.Role}
	}
	out, err := a.d.Relay.PutSubscription(r.Context(), login, sub, actor)
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) putMySubscription(w http.ResponseWriter, r *http.Request) {
	u := caller(r)
	a.putSubscriptionFor(w, r, u.Login, u.Email, u.Name, true)
}

// sendMyTestMail asks the relay for a test mail to the caller's confirmed address; the login is
// Grafana's, never the request's (docs/contracts.md §3). The relay's refusals (409 no confirmed
// address, 429 too many) reach the user with the relay's sentence.
func (a *API) sendMyTestMail(w http.ResponseWriter, r *http.Request) {
	u := caller(r)
	out, err := a.d.Relay.SendTestMail(r.Context(), u.Login)
	var st *relay.Status
	if errors.As(err, &st) && (st.Code == http.StatusConflict || st.Code == http.StatusTooManyRequests) {
		code := "conflict"
		if st.Code == http.StatusTooManyRequests {
			code = "too_many_requests"
		}
		writeError(w, st.Code, code, st.Message)
		return
	}
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, out)
}

func (a *API) listSubscriptions(w http.ResponseWriter, r *http.Request) {
	out, err := a.d.Relay.ListSubscriptions(r.Context())
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) putSubscription(w http.ResponseWriter, r *http.Request) {
	a.putSubscriptionFor(w, r, r.PathValue("login"), "", "", false)
}
