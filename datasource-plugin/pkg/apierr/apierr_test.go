package apierr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/models"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		err    error
		code   string
		status int
		query  backend.Status
		source backend.ErrorSource
	}{
		{models.ErrInvalidInput, "bad_request", 400, backend.StatusBadRequest, backend.ErrorSourcePlugin},
		{models.ErrNotConfigured, "bad_request", 400, backend.StatusBadRequest, backend.ErrorSourcePlugin},
		{models.ErrInvalidSettings, "bad_request", 400, backend.StatusBadRequest, backend.ErrorSourcePlugin},
		{models.ErrNotFound, "not_found", 404, backend.StatusNotFound, backend.ErrorSourceDownstream},
		// The same conflict is 409 on both paths (it was 502 for queries and 409 for resources).
		{models.ErrConflict, "conflict", 409, backend.Status(409), backend.ErrorSourceDownstream},
		{models.ErrOutcomeUnknown, "outcome_unknown", 504, backend.StatusTimeout, backend.ErrorSourceDownstream},
		{ErrAuditUnavailable, "audit_unavailable", 503, backend.Status(503), backend.ErrorSourcePlugin},
		{models.ErrBadCredentials, "upstream_auth", 502, backend.StatusUnauthorized, backend.ErrorSourceDownstream},
		{models.ErrForbidden, "upstream_forbidden", 502, backend.StatusForbidden, backend.ErrorSourceDownstream},
		{context.DeadlineExceeded, "timeout", 504, backend.StatusTimeout, backend.ErrorSourceDownstream},
		{models.ErrUnreachable, "upstream_error", 502, backend.StatusBadGateway, backend.ErrorSourceDownstream},
		{models.ErrTLS, "upstream_error", 502, backend.StatusBadGateway, backend.ErrorSourceDownstream},
		{models.ErrUpstream, "upstream_error", 502, backend.StatusBadGateway, backend.ErrorSourceDownstream},
		{models.ErrTooMany, "upstream_error", 502, backend.StatusBadGateway, backend.ErrorSourceDownstream},
		{errors.New("a bug"), "internal", http.StatusInternalServerError, backend.StatusInternal, backend.ErrorSourcePlugin},
	}
	for _, tc := range tests {
		t.Run(tc.err.Error(), func(t *testing.T) {
			wrapped := fmt.Errorf("context: %w", tc.err)
			got := Classify(wrapped)
			if got.Code != tc.code || got.Status != tc.status || got.Query != tc.query || got.Source != tc.source {
				t.Fatalf("Classify(%v) = %+v", tc.err, got)
			}
		})
	}
}

// TestFirstMatchWins: an invalid input that also wraps an upstream error is the caller's fault.
func TestFirstMatchWins(t *testing.T) {
	err := fmt.Errorf("%w: %w", models.ErrInvalidInput, models.ErrUpstream)
	if c := Classify(err); c.Code != "bad_request" {
		t.Fatalf("got %+v", c)
	}
}
