package resources

import (
	"fmt"
	"net/http"

	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
)

// resourceKindParam reads `?resourceKind=` (default VirtualMachine); an unknown kind is answered 400.
func resourceKindParam(w http.ResponseWriter, r *http.Request) (string, bool) {
	kind := r.URL.Query().Get("resourceKind")
	if kind == "" {
		kind = models.KindVM
	}
	if !models.ValidResourceKind(kind) {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("resource kind %q is unknown: use VirtualMachine, HostSystem, ClusterComputeResource or Datastore", kind))
		return "", false
	}
	return kind, true
}

// statKeys answers `GET statkeys?resourceKind=`: the catalogue's stat keys of a resource kind.
func (a *API) statKeys(w http.ResponseWriter, r *http.Request) {
	kind, ok := resourceKindParam(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, query.KnownStatKeys(kind))
}

// resourceStatKeys answers `GET statkeys/{resource}?resourceKind=VirtualMachine`: the stat keys one
// resource (name or id) has in vROps, instanced keys included, for the query editor's autocomplete
// (docs/contracts.md §3).
func (a *API) resourceStatKeys(w http.ResponseWriter, r *http.Request) {
	kind, ok := resourceKindParam(w, r)
	if !ok {
		return
	}
	keys, err := query.ResourceStatKeys(r.Context(), a.d.Query, kind, r.PathValue("resource"))
	if err != nil {
		a.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, keys)
}
