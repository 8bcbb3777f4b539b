package relay

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/privatecloud/vsphere/pkg/models"
)

// TestRedirectsAreNotFollowedWithTheToken: a relay URL that redirects elsewhere must not get the
// bearer token sent on; the redirect is an error naming its target.
func TestRedirectsAreNotFollowedWithTheToken(t *testing.T) {
	var leaked atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Add(1)
		}
		w.WriteHeader(201)
	}))
	defer other.Close()
	for _, code := range []int{301, 302, 307, 308} {
		redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, code)
		}))
		c := NewWithHTTPClient(redir.URL, "secret-token", redir.Client())
		err := c.PostAudit(context.Background(), AuditEvent{Time: "2026-01-01T00:00:00Z", Action: "power", Outcome: "success"})
		redir.Close()
		if err == nil || !errors.Is(err, models.ErrUpstream) || !strings.Contains(err.Error(), other.URL) {
			t.Fatalf("HTTP %d: %v", code, err)
		}
	}
	if n := leaked.Load(); n != 0 {
		t.Fatalf("the token went to the redirect target %d times", n)
	}
}
