package resources

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/relay"
)

// userStore records the relay's PUT /internal/users/{login} calls.
type userStore struct {
	mu    sync.Mutex
	puts  []map[string]any
	heads []http.Header
}

func (u *userStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	defer u.mu.Unlock()
	var body map[string]any
	raw, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(raw, &body)
	u.puts = append(u.puts, body)
	u.heads = append(u.heads, r.Header.Clone())
	_ = json.NewEncoder(w).Encode(body)
}

func subEnv(t *testing.T) (*env, *userStore) {
	t.Helper()
	us := &userStore{}
	rs := httptest.NewServer(us)
	t.Cleanup(rs.Close)
	api := New(Deps{Query: &query.Deps{}, Relay: relay.NewWithHTTPClient(rs.URL, "t", rs.Client()), Settings: &models.Settings{Roles: models.DefaultActionRoles}})
	return &env{h: httpadapter.New(api)}, us
}

// TestSubscriptionIdentityComesFromGrafanaOnly: the e-mail and name in the body are never used.
func TestSubscriptionIdentityComesFromGrafanaOnly(t *testing.T) {
	e, us := subEnv(t)
	body := `{"email":"attacker@evil.example","name":"Mallory","minSeverity":"critical"}`
	noMail := &backend.User{Login: "nomail", Role: "Viewer"}
	for _, u := range []*backend.User{viewer, noMail} {
		if status, b := e.call(t, u, http.MethodPut, "me/subscriptions", body); status != 200 {
			t.Fatalf("%s: %d %v", u.Login, status, b)
		}
	}
	if got := us.puts[0]; got["email"] != "vera@example.com" || got["login"] != "vera" || got["minSeverity"] != "critical" {
		t.Fatalf("own save: %v", got)
	}
	if got := us.puts[1]; got["email"] != "" || got["name"] != "" {
		t.Fatalf("a user without a Grafana e-mail got the body's identity: %v", got)
	}
	if us.heads[0].Get("X-Actor-Login") != "vera" {
		t.Fatalf("actor header %q", us.heads[0].Get("X-Actor-Login"))
	}
}

// TestAdminChangeOfAnotherUserKeepsTheirIdentityAndNamesTheActor.
func TestAdminChangeOfAnotherUserKeepsTheirIdentityAndNamesTheActor(t *testing.T) {
	e, us := subEnv(t)
	if status, b := e.call(t, admin, http.MethodPut, "subscriptions/vera", `{"email":"x@evil.example","firing":false}`); status != 200 {
		t.Fatalf("%d %v", status, b)
	}
	got := us.puts[0]
	if _, ok := got["email"]; ok || got["login"] != "vera" || got["firing"] != false {
		t.Fatalf("admin change: %v", got)
	}
	if us.heads[0].Get("X-Actor-Login") != "ada" || us.heads[0].Get("X-Actor-Role") != "Admin" {
		t.Fatalf("actor headers %v", us.heads[0])
	}
}

// TestSendMyTestMailUsesGrafanaLoginAndPassesRefusals: the test mail is asked for the Grafana
// user's login (never one from the request), 202 {sentTo} on success, and the relay's 409/429
// sentences reach the user with their status.
func TestSendMyTestMailUsesGrafanaLoginAndPassesRefusals(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/internal/users/vera/test-mail":
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"sentTo":"vera@example.com"}`))
		case "/internal/users/ada/test-mail":
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"error":"unconfirmed","message":"the e-mail address is not confirmed yet"}`))
		default:
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":"too_many_test_mails","message":"at most 3 test mails per hour"}`))
		}
	}))
	t.Cleanup(rs.Close)
	api := New(Deps{Query: &query.Deps{}, Relay: relay.NewWithHTTPClient(rs.URL, "t", rs.Client()), Settings: &models.Settings{Roles: models.DefaultActionRoles}})
	e := &env{h: httpadapter.New(api)}

	status, b := e.call(t, viewer, http.MethodPost, "me/subscriptions/test", `{"login":"ada"}`)
	if status != http.StatusAccepted || b["sentTo"] != "vera@example.com" {
		t.Fatalf("own test mail: %d %v", status, b)
	}
	status, b = e.call(t, admin, http.MethodPost, "me/subscriptions/test", "")
	if status != http.StatusConflict || b["message"] != "the e-mail address is not confirmed yet" {
		t.Fatalf("unconfirmed: %d %v", status, b)
	}
	status, b = e.call(t, &backend.User{Login: "eager", Role: "Viewer"}, http.MethodPost, "me/subscriptions/test", "")
	if status != http.StatusTooManyRequests || b["message"] != "at most 3 test mails per hour" {
		t.Fatalf("throttled: %d %v", status, b)
	}
	if status, _ := e.call(t, nil, http.MethodPost, "me/subscriptions/test", ""); status != http.StatusUnauthorized {
		t.Fatalf("no user: %d", status)
	}
	want := []string{"POST /internal/users/vera/test-mail", "POST /internal/users/ada/test-mail", "POST /internal/users/eager/test-mail"}
	if len(paths) != len(want) {
		t.Fatalf("relay calls %v", paths)
	}
	for i := range want {
		if paths[i] != want[i] {
			t.Fatalf("relay calls %v, want %v", paths, want)
		}
	}
}
