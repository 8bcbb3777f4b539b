package vcenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// Reads stop retrying when the back-off would outlast the caller's deadline (a query's total
// budget): the caller gets vCenter's own 503, after fewer than maxReadAttempts calls.
func TestReadRetriesStopAtTheDeadline(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/api/session" {
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `"session-1"`)
			return
		}
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"error_type":"SERVICE_UNAVAILABLE","messages":[{"id":"x","default_message":"busy"}]}`)
	}))
	defer srv.Close()
	c := NewWithHTTPClient(srv.URL, "admin", "pw", srv.Client())
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	_, err := c.ListHosts(ctx, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want vCenter's 503", err)
	}
	if n := calls.Load(); n >= maxReadAttempts {
		t.Fatalf("%d attempts within a 250 ms budget, want fewer than %d", n, maxReadAttempts)
	}
}
