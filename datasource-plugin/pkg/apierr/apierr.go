// Package apierr is the one error classifier of the backend: every typed error of pkg/models maps
// to one class, used both by query responses (pkg/query) and by the resource API (pkg/resources),
// so a state conflict is the same answer on both paths (docs/contracts.md §3 "Errors").
package apierr

import (
	"context"
	"errors"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/models"
)

// Class is how one error is answered.
type Class struct {
	// Code is the resource API's error code (docs/contracts.md §3).
	Code string
	// Status is the HTTP status of the resource API and the query response's status.
	Status int
	// Query is the status of a query response (Grafana shows 401/403 for a refused upstream login
	// or privilege, which on the resource API would read as the user's own session).
	Query backend.Status
	// Source says whether the plugin or an upstream (downstream in Grafana's terms) failed.
	Source backend.ErrorSource
}

// ErrAuditUnavailable means the audit record of a VM change could not be written, so the change
// was not made (docs/contracts.md §3 "Audit").
var ErrAuditUnavailable = errors.New("audit log unavailable")

// table lists the typed errors in the order they are checked (the first match wins).
var table = []struct {
	is    []error
	class Class
}{
	{[]error{models.ErrInvalidInput, models.ErrNotConfigured, models.ErrInvalidSettings}, Class{"bad_request", http.StatusBadRequest, backend.StatusBadRequest, backend.ErrorSourcePlugin}},
	{[]error{models.ErrOutcomeUnknown}, Class{"outcome_unknown", http.StatusGatewayTimeout, backend.StatusTimeout, backend.ErrorSourceDownstream}},
	{[]error{ErrAuditUnavailable}, Class{"audit_unavailable", http.StatusServiceUnavailable, backend.Status(http.StatusServiceUnavailable), backend.ErrorSourcePlugin}},
	{[]error{models.ErrNotFound}, Class{"not_found", http.StatusNotFound, backend.StatusNotFound, backend.ErrorSourceDownstream}},
	{[]error{models.ErrConflict}, Class{"conflict", http.StatusConflict, backend.Status(http.StatusConflict), backend.ErrorSourceDownstream}},
	// A refused upstream login is 502 on the resource API: a 401 there would read as the Grafana
	// user's own session having expired.
	{[]error{models.ErrBadCredentials}, Class{"upstream_auth", http.StatusBadGateway, backend.StatusUnauthorized, backend.ErrorSourceDownstream}},
	{[]error{models.ErrForbidden}, Class{"upstream_forbidden", http.StatusBadGateway, backend.StatusForbidden, backend.ErrorSourceDownstream}},
	{[]error{context.DeadlineExceeded}, Class{"timeout", http.StatusGatewayTimeout, backend.StatusTimeout, backend.ErrorSourceDownstream}},
	{[]error{models.ErrUnreachable, models.ErrTLS, models.ErrUpstream, models.ErrTooMany}, Class{"upstream_error", http.StatusBadGateway, backend.StatusBadGateway, backend.ErrorSourceDownstream}},
}

// internal is the class of everything untyped: a bug of ours.
var internal = Class{"internal", http.StatusInternalServerError, backend.StatusInternal, backend.ErrorSourcePlugin}

// Classify returns the class of err.
func Classify(err error) Class {
	for _, row := range table {
		for _, target := range row.is {
			if errors.Is(err, target) {
				return row.class
			}
		}
	}
	return internal
}
