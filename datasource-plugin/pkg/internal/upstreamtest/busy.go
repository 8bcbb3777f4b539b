// Package upstreamtest is test support shared by the tests of the upstream clients (pkg/vcenter,
// pkg/vrops): a fake upstream that accepts the login and is busy for everything else, and the
// checks that a client's read retries keep to the caller's deadline (docs/contracts.md §2).
// Only tests import it.
package upstreamtest

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

// Login is how the fake answers the client's login request.
type Login struct {
	Path   string // e.g. /api/session (vCenter), /suite-api/api/auth/token/acquire (vROps)
	Status int    // 0 means 200
	Body   string
}

// Busy is an upstream that answers Login and every other request with 503 and the body given to
// NewBusy, counting those other requests.
type Busy struct {
	*httptest.Server
	calls atomic.Int64
}

// NewBusy starts a busy upstream, closed when the test ends; busyBody is the upstream's own JSON
// error for 503.
func NewBusy(t testing.TB, login Login, busyBody string) *Busy {
	t.Helper()
	b := &Busy{}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == login.Path {
			if login.Status != 0 {
				w.WriteHeader(login.Status)
			}
			fmt.Fprint(w, login.Body)
			return
		}
		b.calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, busyBody)
	}))
	t.Cleanup(b.Close)
	return b
}

// Calls answers how many requests other than the login arrived since the last ResetCalls.
func (b *Busy) Calls() int64 { return b.calls.Load() }

// ResetCalls sets the count back to zero.
func (b *Busy) ResetCalls() { b.calls.Store(0) }

// Budget is the caller's deadline in RetriesStopAtDeadline: shorter than the first back-off
// pause (200 ms) plus the least time worth an attempt (100 ms, upstream.RetryPause), so a client
// that keeps to the deadline makes exactly one call and does not wait at all.
const Budget = 250 * time.Millisecond

// Status answers the HTTP status that a client's typed error carries (0 when err is not one).
type Status func(err error) int

// StatusOf is the Status of errors of type E (found with errors.As), read by status.
func StatusOf[E error](status func(E) int) Status {
	return func(err error) int {
		var e E
		if errors.As(err, &e) {
			return status(e)
		}
		return 0
	}
}

// RetriesStopAtDeadline calls call with a Budget deadline: the client must not start a retry
// that cannot finish in time, so the caller gets the upstream's own 503 (not a bare timeout)
// after exactly one call.
func RetriesStopAtDeadline(t testing.TB, b *Busy, status Status, call func(ctx context.Context) error) {
	t.Helper()
	b.ResetCalls()
	ctx, cancel := context.WithTimeout(context.Background(), Budget)
	defer cancel()
	err := call(ctx)
	if status(err) != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want the upstream's own 503", err)
	}
	if n := b.Calls(); n != 1 {
		t.Fatalf("%d calls within a %v budget, want 1 (no room for a back-off and another attempt)", n, Budget)
	}
}

// RetriesWithoutDeadline calls call without a deadline: the same failure is tried maxAttempts
// times and then answered with the upstream's own 503.
func RetriesWithoutDeadline(t testing.TB, b *Busy, maxAttempts int, status Status, call func(ctx context.Context) error) {
	t.Helper()
	b.ResetCalls()
	if err := call(context.Background()); status(err) != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want the upstream's own 503", err)
	}
	if n := b.Calls(); n != int64(maxAttempts) {
		t.Fatalf("%d calls without a deadline, want %d", n, maxAttempts)
	}
}
