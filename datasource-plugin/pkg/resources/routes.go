package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/apierr"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/resources/vmrules"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// Mutator is what the VM mutations need from vCenter.
type Mutator interface {
	inventory.DetailReader
	CreateVM(ctx context.Context, spec vcenter.CreateSpec) (string, error)
	PatchCPU(ctx context.Context, id string, spec vcenter.CPUSpec) error
	PatchMemory(ctx context.Context, id string, spec vcenter.MemorySpec) error
	Power(ctx context.Context, id, action string) error
	GuestPower(ctx context.Context, id, action string) error
	DeleteVM(ctx context.Context, id string) error
}

// Deps are what the resource API uses.
type Deps struct {
	Query    *query.Deps
	VCenter  Mutator
	VROps    *vrops.Client
	Relay    *relay.Client
	Settings *models.Settings
	// Spool keeps audit events the relay could not take (nil = none configured).
	Spool *relay.Spool
	// Now is the clock for audit events (tests pin it).
	Now func() time.Time
}

// API is the resource API handler.
type API struct {
	d         Deps
	mux       *http.ServeMux
	vmUsage   vmUsageCache
	hostUsage hostUsageCache
	// follow holds the backend's own steps of tasks (followups.go); templates caches GET templates.
	follow   followups
	tplCache templateCache
}

// New builds the resource API.
func New(d Deps) *API {
	if d.Now == nil {
		d.Now = time.Now
	}
	a := &API{d: d, mux: http.NewServeMux()}
	m := a.mux
	m.HandleFunc("GET /inventory/{entity}", a.read(a.inventory))
	m.HandleFunc("GET /vms/{id}", a.read(vmID(a.vmDetail)))
	m.HandleFunc("GET /vms/{id}/history", a.read(vmID(a.history)))
	m.HandleFunc("GET /vms/{id}/hardware/limits", a.read(vmID(a.limits)))
	// Migrate options: a read for callers with the migrate role (migrate_options.go).
	m.HandleFunc("GET /vms/{id}/migrate/options", a.migrateRole(vmID(a.migrateOptions)))
	m.HandleFunc("GET /statkeys", a.read(a.statKeys))
	m.HandleFunc("GET /statkeys/{resource}", a.read(a.resourceStatKeys))
	m.HandleFunc("GET /options/guest-os", a.readAs(models.RoleEditor, a.guestOS))
	m.HandleFunc("GET /options/placement", a.readAs(models.RoleEditor, a.placement))
	m.HandleFunc("GET /audit", a.read(a.audit))
	m.HandleFunc("GET /me", a.me)
	m.HandleFunc("GET /me/subscriptions", a.userOnly(a.getMySubscription))
	m.HandleFunc("PUT /me/subscriptions", a.userOnly(a.putMySubscription))
	m.HandleFunc("POST /me/subscriptions/test", a.userOnly(a.sendMyTestMail))
	m.HandleFunc("GET /subscriptions", a.readAs(models.RoleAdmin, a.listSubscriptions))
	m.HandleFunc("PUT /subscriptions/{login}", a.readAs(models.RoleAdmin, a.putSubscription))
	m.HandleFunc("POST /vms", a.createVM)
	m.HandleFunc("PATCH /vms/{id}/hardware", a.patchHardware)
	m.HandleFunc("POST /vms/{id}/power", a.power)
	m.HandleFunc("DELETE /vms/{id}", a.deleteVM)
	m.HandleFunc("POST /vms/{id}/clone", a.cloneVM)
	m.HandleFunc("POST /vms/{id}/migrate", a.migrateVM)
	m.HandleFunc("GET /templates", a.read(a.templates))
	m.HandleFunc("GET /customization-specs", a.read(a.customizationSpecs))
	m.HandleFunc("POST /templates/{item}/deploy", a.deployTemplate)
	m.HandleFunc("GET /tasks/{task}", a.read(a.task))
	// Provisioning (docs/contracts.md §3 "Templates", "Guest customization"): instant clone, OVF, customization.
	m.HandleFunc("PUT /vms/{id}/customization", a.customizeVM)
	m.HandleFunc("POST /vms/{id}/instant-clone", a.instantCloneVM)
	m.HandleFunc("GET /templates/{item}/ovf", a.read(a.ovfSummary))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no resource %s %s", r.Method, r.URL.Path))
	})
	return a
}

// ServeHTTP recovers panics so that bad input can never take the plugin down.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if rec := recover(); rec != nil {
			log.DefaultLogger.Error("resource handler panicked", "path", r.URL.Path, "panic", rec)
			writeError(w, http.StatusInternalServerError, "internal", "internal error")
		}
	}()
	// A path with "." or ".." segments is refused, not redirected: the ids in it go into
	// vCenter's URL paths.
	if p := r.URL.Path; p != "" && p != "/" && path.Clean("/"+p) != "/"+strings.TrimPrefix(p, "/") {
		writeError(w, http.StatusBadRequest, "bad_request", "the resource path must not contain empty, . or .. segments")
		return
	}
	a.mux.ServeHTTP(w, r)
}

// ErrorBody is the contract's error shape.
type ErrorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, ErrorBody{Error: code, Message: msg})
}

// writeErr answers a typed error with its class (pkg/apierr); what non-Admins read never holds
// internal addresses (publicMessage), the full error goes to the server log.
func (a *API) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	c := apierr.Classify(err)
	if c.Status >= 500 {
		log.DefaultLogger.FromContext(r.Context()).Warn("resource request failed", "path", r.URL.Path, "status", c.Status, "error", err)
	}
	writeError(w, c.Status, c.Code, publicMessage(err, caller(r)))
}

// caller is the Grafana user from the plugin context; nil for requests Grafana starts itself.
func caller(r *http.Request) *backend.User {
	return httpadapter.UserFromContext(r.Context())
}

// callerOf is the caller as the VM rules see it.
func callerOf(r *http.Request) *vmrules.Caller {
	u := caller(r)
	if u == nil {
		return nil
	}
	return &vmrules.Caller{Login: u.Login, Role: models.Role(u.Role)}
}

// isAdmin says whether the caller is a Grafana Admin of the organisation.
func isAdmin(r *http.Request) bool {
	u := caller(r)
	return u != nil && models.Role(u.Role) == models.RoleAdmin
}

// read allows reads for any signed-in Viewer and for Grafana's own requests (no user).
func (a *API) read(h http.HandlerFunc) http.HandlerFunc { return a.readAs(models.RoleViewer, h) }

func (a *API) readAs(min models.Role, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := caller(r)
		if u == nil && min == models.RoleViewer {
			h(w, r)
			return
		}
		if u == nil {
			writeError(w, http.StatusUnauthorized, "unauthenticated", "this resource needs a signed-in Grafana user")
			return
		}
		if models.Role(u.Role).Rank() < min.Rank() {
			writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("this needs the %s role; you are %s", min, roleName(u.Role)))
			return
		}
		h(w, r)
	}
}

// vmID refuses a path id that is not a VM managed object id before anything reads it.
func vmID(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := vmrules.ValidateMoRef("VM", r.PathValue("id")); err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		h(w, r)
	}
}

func (a *API) userOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := caller(r)
		if u == nil || u.Login == "" {
			writeError(w, http.StatusUnauthorized, "unauthenticated", "this resource needs a signed-in Grafana user")
			return
		}
		if models.Role(u.Role).Rank() < models.RoleViewer.Rank() {
			writeError(w, http.StatusForbidden, "forbidden", "this needs at least the Viewer role")
			return
		}
		h(w, r)
	}
}

func roleName(r string) string {
	if r == "" {
		return "without a role"
	}
	return r
}

// vcenterName names this data source's vCenter in audit events: the host of its URL.
func (a *API) vcenterName() string {
	if u, err := url.Parse(a.d.Settings.VcenterURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return ""
}

// deliverSpool sends spooled audit events in the background after the relay took one again.
func (a *API) deliverSpool() {
	if a.d.Spool == nil || a.d.Relay == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if n, err := a.d.Spool.Deliver(ctx, a.d.Relay); err != nil {
			log.DefaultLogger.Warn("spooled audit events not delivered yet", "delivered", n, "error", err)
		} else if n > 0 {
			log.DefaultLogger.Info("spooled audit events delivered", "delivered", n)
		}
	}()
}

func (a *API) snapshot(r *http.Request) (*inventory.Snapshot, error) {
	return a.d.Query.Inventory.Get(r.Context())
}
