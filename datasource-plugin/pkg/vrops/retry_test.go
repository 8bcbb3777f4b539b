package vrops

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

// A retry never starts when its back-off would outlast the caller's deadline (a query's total
// budget): the caller gets vROps' own 503 error, not a bare timeout, and fewer than maxAttempts calls.
func TestRetriesStopAtTheDeadline(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/suite-api/api/auth/token/acquire" {
			fmt.Fprint(w, `{"token":"t1"}`)
			return
		}
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"message":"Service is unavailable"}`)
	}))
	defer srv.Close()
	c := NewWithHTTPClient(srv.URL, "u", "pw", "", srv.Client())
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	_, err := c.QueryStats(ctx, StatsQuery{ResourceID: []string{"r1"}, StatKey: []string{"cpu|usage_average"}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want vROps' 503", err)
	}
	if n := calls.Load(); n >= maxAttempts {
		t.Fatalf("%d attempts within a 250 ms budget, want fewer than %d", n, maxAttempts)
	}

	// Without a deadline the same failure is retried maxAttempts times.
	calls.Store(0)
	if _, err := c.QueryStats(context.Background(), StatsQuery{ResourceID: []string{"r1"}}); err == nil {
		t.Fatal("want an error")
	}
	if n := calls.Load(); n != maxAttempts {
		t.Fatalf("%d attempts without a deadline, want %d", n, maxAttempts)
	}
}
