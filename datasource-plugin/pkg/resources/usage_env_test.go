package resources

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/privatecloud/vsphere/pkg/internal/replay"
	"github.com/privatecloud/vsphere/pkg/internal/vropstest"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/query"
	"github.com/privatecloud/vsphere/pkg/vcenter"
)

// newUsageEnv is the resource API over the recorded vCenter with fv as vROps: the fixture of the
// usage-sorted VM and host lists (vmusage_test.go, hosts_test.go).
func newUsageEnv(t *testing.T, fv *vropstest.Usage) *env {
	t.Helper()
	up := replay.Serve(t, "../query/testdata/vcenter.json")
	vcc := vcenter.NewWithHTTPClient(up.URL, "administrator@vsphere.local", "VMware1!", &http.Client{Timeout: 5 * time.Second})
	qd := &query.Deps{Inventory: inventory.NewCache(vcc, fv, time.Minute), VCenter: vcc, Stats: fv}
	api := New(Deps{Query: qd, VCenter: vcc, Settings: &models.Settings{Roles: models.DefaultActionRoles}})
	return &env{up: up, h: httpadapter.New(api)}
}

// sortedPage is one list request's query string and the item ids it must answer, in order.
type sortedPage struct{ query, want string }

// checkSortedPages asks list (e.g. "inventory/vms") for each page as a Viewer and checks the ids
// and the total it answers.
func (e *env) checkSortedPages(t *testing.T, list string, total int, pages []sortedPage) {
	t.Helper()
	for _, p := range pages {
		status, body := e.call(t, viewer, http.MethodGet, list+"?"+p.query, "")
		if status != 200 || itemIDs(body) != p.want || body["total"] != float64(total) {
			t.Fatalf("%s?%s: status %d, items %s, want %s (%v)", list, p.query, status, itemIDs(body), p.want, body)
		}
	}
}

// itemIDs answers the ids of a list answer's items, in order, comma-separated.
func itemIDs(body map[string]any) string {
	var ids []string
	for _, it := range body["items"].([]any) {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	return strings.Join(ids, ",")
}
