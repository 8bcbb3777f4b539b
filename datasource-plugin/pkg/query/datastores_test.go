package query

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/privatecloud/vsphere/pkg/inventory"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

func TestDatastoresFrameHostsColumn(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 2; i++ {
		dr := f.run(t, "inventory", map[string]any{"entity": "datastores"})
		if dr.Error != nil {
			t.Fatal(dr.Error)
		}
		fr := dr.Frames[0]
		hosts, _ := fr.FieldByName("hostCount")
		if hosts == nil || hosts.Config.DisplayNameFromDS != "Hosts" || hosts.Len() != 1 {
			t.Fatalf("hostCount field %+v", hosts)
		}
		if n, ok := hosts.ConcreteAt(0); !ok || n.(int64) != 2 {
			t.Fatalf("hostCount %v %v", n, ok)
		}
		if len(fr.Meta.Notices) != 0 {
			t.Fatalf("notices %v", fr.Meta.Notices)
		}
	}
	if n := f.srv.CallCount("POST /suite-api/api/resources/bulk/relationships"); n != 1 {
		t.Fatalf("%d bulk relationships calls, want 1", n)
	}
	// Other entities never ask for relationships.
	f.run(t, "inventory", map[string]any{"entity": "hosts"})
	if n := f.srv.CallCount("POST /suite-api/api/resources/bulk/relationships"); n != 1 {
		t.Fatalf("hosts query asked for relationships (%d calls)", n)
	}
	f.noUnmatched(t)
}

func TestDatastoresFrameWhenVROpsFails(t *testing.T) {
	f := newFixture(t)
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"Forbidden","httpStatusCode":403}`))
	}))
	defer down.Close()
	vcc := vcenter.NewWithHTTPClient(f.srv.URL, "administrator@vsphere.local", "VMware1!", &http.Client{Timeout: 5 * time.Second})
	vrc := vrops.NewWithHTTPClient(down.URL, "admin", "VMware1!", "", &http.Client{Timeout: 5 * time.Second})
	f.deps = &Deps{Inventory: inventory.NewCache(vcc, vrc, time.Minute), VCenter: vcc, Stats: vrc}
	dr := f.run(t, "inventory", map[string]any{"entity": "datastores"})
	if dr.Error != nil {
		t.Fatalf("a vROps failure must not fail the datastores: %v", dr.Error)
	}
	fr := dr.Frames[0]
	hosts, _ := fr.FieldByName("hostCount")
	if fr.Rows() != 1 || hosts == nil || hosts.At(0).(*int64) != nil {
		t.Fatalf("rows %d hostCount %+v", fr.Rows(), hosts)
	}
	if len(fr.Meta.Notices) != 1 || fr.Meta.Notices[0].Severity != data.NoticeSeverityWarning ||
		!strings.Contains(fr.Meta.Notices[0].Text, "datastore host counts are unavailable") || !strings.Contains(fr.Meta.Notices[0].Text, "vROps") {
		t.Fatalf("notices %+v", fr.Meta.Notices)
	}
}
