package resources

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// TestMutationTimeoutIsOutcomeUnknown: vCenter applies a power-on but answers too late; the API
// must not retry, must re-read the VM and report "outcome unknown" with what it found.
func TestMutationTimeoutIsOutcomeUnknown(t *testing.T) {
	var powerCalls atomic.Int64
	var state atomic.Value
	state.Store("POWERED_OFF")
	vc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/session":
			w.WriteHeader(201)
			fmt.Fprint(w, `"tok"`)
		case r.URL.Path == "/api/vcenter/datacenter":
			fmt.Fprint(w, `[]`)
		case r.Method == http.MethodPost && r.URL.Path == "/api/vcenter/vm/vm-7/power":
			powerCalls.Add(1)
			state.Store("POWERED_ON")
			time.Sleep(600 * time.Millisecond)
			w.WriteHeader(204)
		case r.Method == http.MethodGet && r.URL.Path == "/api/vcenter/vm/vm-7":
			fmt.Fprintf(w, `{"name":"slow","power_state":%q,"cpu":{"count":1},"memory":{"size_MiB":1024}}`, state.Load())
		default:
			w.WriteHeader(404)
			fmt.Fprint(w, `{"error_type":"NOT_FOUND","messages":[]}`)
		}
	}))
	defer vc.Close()
	fr := &fakeRelay{}
	rs := httptest.NewServer(fr)
	defer rs.Close()
	vcc := vcenter.NewWithHTTPClient(vc.URL, "u", "p", &http.Client{Timeout: 200 * time.Millisecond})
	rc := relay.NewWithHTTPClient(rs.URL, "t", rs.Client())
	qd := &query.Deps{Inventory: inventory.NewCache(vcc, nil, time.Minute), VCenter: vcc}
	e := &env{relay: fr, h: httpadapter.New(New(Deps{Query: qd, VCenter: vcc, Relay: rc, Settings: &models.Settings{Roles: models.DefaultActionRoles}}))}
	status, body := e.call(t, editor, http.MethodPost, "vms/vm-7/power", `{"action":"start"}`)
	if status != http.StatusGatewayTimeout || body["error"] != "outcome_unknown" || !strings.Contains(body["message"].(string), "POWERED_ON") {
		t.Fatalf("status %d body %v", status, body)
	}
	if n := powerCalls.Load(); n != 1 {
		t.Fatalf("power sent %d times; a mutation must not be retried", n)
	}
	if ev := fr.last(t); ev.Outcome != "unknown" || ev.Action != "power" {
		t.Fatalf("audit %+v", ev)
	}
}
