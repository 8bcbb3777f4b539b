package query

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/internal/replay"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

func TestInventoryGolden(t *testing.T) {
	for _, entity := range []string{"vms", "hosts", "clusters", "datastores", "networks", "datacenters", "folders", "resourcePools"} {
		t.Run(entity, func(t *testing.T) {
			f := newFixture(t)
			golden(t, "inventory_"+entity, f.run(t, "inventory", map[string]any{"entity": entity}))
			f.noUnmatched(t)
		})
	}
}

func TestInventoryFilter(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"by host name", map[string]any{"host": "esx-02.lab"}, []string{"db-01", "test-01"}},
		{"by host id list", map[string]any{"host": []string{"host-10"}}, []string{"web-01"}},
		{"by cluster name and power", map[string]any{"cluster": "Cluster-A", "powerState": "POWERED_ON"}, []string{"db-01", "web-01"}},
		{"regex", map[string]any{"nameRegex": "^(web|test)-"}, []string{"test-01", "web-01"}},
		{"unknown host matches nothing", map[string]any{"host": "nope"}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dr := f.run(t, "inventory", map[string]any{"entity": "vms", "filter": tc.filter})
			if dr.Error != nil {
				t.Fatal(dr.Error)
			}
			names, _ := dr.Frames[0].FieldByName("name")
			var got []string
			for i := 0; i < names.Len(); i++ {
				got = append(got, names.At(i).(string))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestInventoryIsCached(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 3; i++ {
		if dr := f.run(t, "inventory", map[string]any{"entity": "vms"}); dr.Error != nil {
			t.Fatal(dr.Error)
		}
	}
	if n := f.srv.CallCount("GET /api/vcenter/datacenter"); n != 1 {
		t.Fatalf("datacenter list called %d times, want 1 (cached)", n)
	}
	if n := f.srv.CallCount("POST /api/session"); n != 1 {
		t.Fatalf("logged in %d times, want 1", n)
	}
}

// recordings loads the recorded vCenter and vROps exchanges (testdata/vcenter.json, vrops.json).
func recordings(t *testing.T) (vc, vr []replay.Exchange) {
	t.Helper()
	vc, err := replay.Load("testdata/vcenter.json")
	if err != nil {
		t.Fatal(err)
	}
	vr, err = replay.Load("testdata/vrops.json")
	if err != nil {
		t.Fatal(err)
	}
	return vc, vr
}

// newFixtureWithout is the recorded fixture with the exchanges of one vROps path left out, so
// that call fails (the replay answers 404) while everything else works.
func newFixtureWithout(t *testing.T, vropsPath string) *fixture {
	t.Helper()
	vc, vr := recordings(t)
	var kept []replay.Exchange
	for _, e := range vr {
		if e.Path != vropsPath {
			kept = append(kept, e)
		}
	}
	if len(kept) == len(vr) {
		t.Fatalf("no recording of %s to leave out", vropsPath)
	}
	srv := replay.New(vc, kept)
	t.Cleanup(srv.Close)
	vcc := vcenter.NewWithHTTPClient(srv.URL, "administrator@vsphere.local", "VMware1!", &http.Client{Timeout: 5 * time.Second})
	vrc := vrops.NewWithHTTPClient(srv.URL, "admin", "VMware1!", "", &http.Client{Timeout: 5 * time.Second})
	return &fixture{srv: srv, deps: &Deps{Inventory: inventory.NewCache(vcc, vrc, time.Minute), VCenter: vcc, Stats: vrc, VCenterName: "vc01.lab"}}
}

func column(t *testing.T, dr backend.DataResponse, name string) []string {
	t.Helper()
	f, _ := dr.Frames[0].FieldByName(name)
	if f == nil {
		t.Fatalf("no field %q", name)
	}
	out := make([]string, f.Len())
	for i := range out {
		out[i] = f.At(i).(string)
	}
	return out
}

func TestInventoryVMsGuestOSAndIPFromOneBulkCall(t *testing.T) {
	f := newFixture(t)
	dr := f.run(t, "inventory", map[string]any{"entity": "vms"})
	if dr.Error != nil {
		t.Fatal(dr.Error)
	}
	// Rows are db-01, test-01, web-01; vROps has no properties for test-01.
	if got := column(t, dr, "guestOS"); !reflect.DeepEqual(got, []string{"Red Hat Enterprise Linux 8 (64-bit)", "", "Ubuntu Linux (64-bit)"}) {
		t.Fatalf("guest OS %q", got)
	}
	if got := column(t, dr, "ip"); !reflect.DeepEqual(got, []string{"", "", "10.0.0.11"}) {
		t.Fatalf("IP %q", got)
	}
	if n := len(dr.Frames[0].Meta.Notices); n != 0 {
		t.Fatalf("notices %v", dr.Frames[0].Meta.Notices)
	}
	// A second query (dashboard refresh) asks vROps nothing new.
	if dr := f.run(t, "inventory", map[string]any{"entity": "vms", "filter": map[string]any{"powerState": "POWERED_ON"}}); dr.Error != nil {
		t.Fatal(dr.Error)
	}
	if n := f.srv.CallCount("POST /suite-api/api/resources/properties/latest/query"); n != 1 {
		t.Fatalf("%d properties calls, want 1 per snapshot", n)
	}
	f.noUnmatched(t)
}

func TestInventoryVMsWithoutGuestDataIsANoticeNotAnError(t *testing.T) {
	f := newFixtureWithout(t, "/suite-api/api/resources/properties/latest/query")
	dr := f.run(t, "inventory", map[string]any{"entity": "vms"})
	if dr.Error != nil {
		t.Fatalf("the VM list failed for want of guest data: %v", dr.Error)
	}
	if got := column(t, dr, "name"); !reflect.DeepEqual(got, []string{"db-01", "test-01", "web-01"}) {
		t.Fatalf("names %q", got)
	}
	if got := column(t, dr, "ip"); !reflect.DeepEqual(got, []string{"", "", ""}) {
		t.Fatalf("IP %q", got)
	}
	notices := dr.Frames[0].Meta.Notices
	if len(notices) != 1 || notices[0].Severity != data.NoticeSeverityWarning || !strings.Contains(notices[0].Text, "guest OS and IP addresses are unavailable") {
		t.Fatalf("notices %+v", notices)
	}
}
