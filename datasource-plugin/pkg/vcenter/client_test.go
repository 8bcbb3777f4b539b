package vcenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/privatecloud/vsphere/pkg/models"
)

// fakeVC is a tiny vCenter for client tests: real HTTP, sessions, expiry and scripted failures.
type fakeVC struct {
	mu       sync.Mutex
	valid    map[string]bool
	logins   atomic.Int64
	listHits atomic.Int64
	failList atomic.Int64 // number of next list calls answered 503
	deletes  atomic.Int64
	slowMut  time.Duration
	password string
}

func newFakeVC(t *testing.T) (*fakeVC, *httptest.Server) {
	f := &fakeVC{valid: map[string]bool{}, password: "pw"}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeVC) expireAll() {
	f.mu.Lock()
	f.valid = map[string]bool{}
	f.mu.Unlock()
}

func (f *fakeVC) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/api/session" && r.Method == http.MethodPost {
		u, p, _ := r.BasicAuth()
		if u != "admin" || p != f.password {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error_type":"UNAUTHENTICATED","messages":[{"id":"x","default_message":"Authentication required.","args":[]}]}`)
			return
		}
		time.Sleep(20 * time.Millisecond) // let concurrent callers pile up behind one login
		n := f.logins.Add(1)
		tok := fmt.Sprintf("tok%d", n)
		f.mu.Lock()
		f.valid[tok] = true
		f.mu.Unlock()
		w.WriteHeader(201)
		fmt.Fprintf(w, "%q", tok)
		return
	}
	f.mu.Lock()
	ok := f.valid[r.Header.Get("vmware-api-session-id")]
	f.mu.Unlock()
	if !ok {
		w.WriteHeader(401)
		fmt.Fprint(w, `{"error_type":"UNAUTHENTICATED","messages":[{"id":"com.vmware.vapi.endpoint.method.authentication.required","default_message":"Authentication required.","args":[]}]}`)
		return
	}
	switch {
	case r.URL.Path == "/api/session" && r.Method == http.MethodDelete:
		f.mu.Lock()
		delete(f.valid, r.Header.Get("vmware-api-session-id"))
		f.mu.Unlock()
		w.WriteHeader(204)
	case r.URL.Path == "/api/vcenter/vm" && r.Method == http.MethodGet:
		f.listHits.Add(1)
		if f.failList.Load() > 0 {
			f.failList.Add(-1)
			w.WriteHeader(503)
			fmt.Fprint(w, `{"error_type":"SERVICE_UNAVAILABLE","messages":[]}`)
			return
		}
		if r.URL.Query().Get("hosts") == "big" {
			w.WriteHeader(500)
			fmt.Fprint(w, `{"error_type":"UNABLE_TO_ALLOCATE_RESOURCE","messages":[{"id":"com.vmware.api.vcenter.vm.too_many_matches","default_message":"Too many virtual machines. Add more filter criteria to reduce the number.","args":[]}]}`)
			return
		}
		fmt.Fprint(w, `[{"vm":"vm-1","name":"a","power_state":"POWERED_ON","cpu_count":2,"memory_size_MiB":1024,"some_future_field":{"x":1}}]`)
	case r.URL.Path == "/api/vcenter/vm/vm-on" && r.Method == http.MethodDelete:
		f.deletes.Add(1)
		w.WriteHeader(400)
		fmt.Fprint(w, `{"error_type":"NOT_ALLOWED_IN_CURRENT_STATE","messages":[{"id":"com.vmware.api.vcenter.vm.powered_on","default_message":"Virtual machine vm-on is powered on.","args":[]}]}`)
	case r.URL.Path == "/api/vcenter/vm/vm-slow/power" && r.Method == http.MethodPost:
		time.Sleep(f.slowMut)
		w.WriteHeader(204)
	default:
		w.WriteHeader(404)
		fmt.Fprint(w, `{"error_type":"NOT_FOUND","messages":[{"id":"com.vmware.api.vcenter.vm.not_found","default_message":"Virtual machine with identifier 'vm-404' does not exist.","args":[]}]}`)
	}
}

func TestSessionIsSharedAcrossConcurrentCalls(t *testing.T) {
	f, srv := newFakeVC(t)
	c := NewWithHTTPClient(srv.URL, "admin", "pw", srv.Client())
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.ListVMs(context.Background(), nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.logins.Load(); n != 1 {
		t.Fatalf("logins = %d, want 1 for 20 concurrent calls", n)
	}
}

func TestSessionRenewedOnceAfterExpiry(t *testing.T) {
	f, srv := newFakeVC(t)
	c := NewWithHTTPClient(srv.URL, "admin", "pw", srv.Client())
	if _, err := c.ListVMs(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	f.expireAll()
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.ListVMs(context.Background(), nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := f.logins.Load(); n != 2 {
		t.Fatalf("logins = %d, want 2 (one renewal shared by 10 callers)", n)
	}
}

func TestBadCredentialsAreTyped(t *testing.T) {
	_, srv := newFakeVC(t)
	c := NewWithHTTPClient(srv.URL, "admin", "wrong", srv.Client())
	_, err := c.ListVMs(context.Background(), nil)
	if !errors.Is(err, models.ErrBadCredentials) || !strings.Contains(err.Error(), "check user and password") {
		t.Fatalf("err = %v", err)
	}
}

func TestReadsRetryMutationsDoNot(t *testing.T) {
	f, srv := newFakeVC(t)
	c := NewWithHTTPClient(srv.URL, "admin", "pw", srv.Client())
	f.failList.Store(2)
	if _, err := c.ListVMs(context.Background(), nil); err != nil {
		t.Fatalf("read should succeed after retries: %v", err)
	}
	if n := f.listHits.Load(); n != 3 {
		t.Fatalf("list hits = %d, want 3", n)
	}
	err := c.DeleteVM(context.Background(), "vm-on")
	if !errors.Is(err, models.ErrConflict) || !strings.Contains(err.Error(), "powered on") {
		t.Fatalf("err = %v", err)
	}
	if n := f.deletes.Load(); n != 1 {
		t.Fatalf("delete sent %d times, want 1", n)
	}
}

func TestErrorMapping(t *testing.T) {
	_, srv := newFakeVC(t)
	c := NewWithHTTPClient(srv.URL, "admin", "pw", srv.Client())
	tests := []struct {
		name string
		call func() error
		kind error
		text string
	}{
		{"not found", func() error { _, err := c.GetVM(context.Background(), "vm-404"); return err }, models.ErrNotFound, "does not exist"},
		{"too many", func() error { _, err := c.ListVMs(context.Background(), ListFilter{"hosts": {"big"}}); return err }, models.ErrTooMany, "Too many virtual machines"},
		{"conflict", func() error { return c.DeleteVM(context.Background(), "vm-on") }, models.ErrConflict, "NOT_ALLOWED_IN_CURRENT_STATE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("err = %v, want kind %v and text %q", err, tc.kind, tc.text)
			}
		})
	}
}

func TestMutationTimeoutIsOutcomeUnknown(t *testing.T) {
	f, srv := newFakeVC(t)
	f.slowMut = 500 * time.Millisecond
	hc := srv.Client()
	hc.Timeout = 200 * time.Millisecond
	c := NewWithHTTPClient(srv.URL, "admin", "pw", hc)
	err := c.Power(context.Background(), "vm-slow", "start")
	if !errors.Is(err, models.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want outcome unknown", err)
	}
}

func TestUnreachableIsTyped(t *testing.T) {
	c := NewWithHTTPClient("http://127.0.0.1:1", "admin", "pw", &http.Client{Timeout: time.Second})
	_, err := c.ListVMs(context.Background(), nil)
	if !errors.Is(err, models.ErrUnreachable) {
		t.Fatalf("err = %v", err)
	}
}

func TestTLSUnknownCAIsTyped(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	c := NewWithHTTPClient(srv.URL, "admin", "pw", &http.Client{Timeout: 2 * time.Second})
	_, err := c.ListVMs(context.Background(), nil)
	if !errors.Is(err, models.ErrTLS) || !strings.Contains(err.Error(), "CA certificate") {
		t.Fatalf("err = %v", err)
	}
}

func TestCloseLogsOut(t *testing.T) {
	f, srv := newFakeVC(t)
	c := NewWithHTTPClient(srv.URL, "admin", "pw", srv.Client())
	if _, err := c.ListVMs(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	n := len(f.valid)
	f.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d sessions still valid after Close", n)
	}
}

func TestParseToken(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"0f3a9c1d2e4b5a69788776655443322a"`, "0f3a9c1d2e4b5a69788776655443322a"},
		{`{"value":"8405571e6a7cecf4eed6027ed96760a6"}`, "8405571e6a7cecf4eed6027ed96760a6"},
		{"8405571e6a7cecf4eed6027ed96760a6\n", "8405571e6a7cecf4eed6027ed96760a6"},
		{`<html>login</html>`, ""}, {``, ""}, {`""`, ""},
	}
	for _, tc := range tests {
		if got := parseToken([]byte(tc.in)); got != tc.want {
			t.Errorf("parseToken(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
