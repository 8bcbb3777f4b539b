package query

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/privatecloud/vsphere/pkg/relay"
)

func TestAnnotationsVMOperationsGolden(t *testing.T) {
	var gotQuery string
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/internal/audit" || r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(404)
			return
		}
		gotQuery = r.URL.RawQuery
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"total":3,"items":[
 {"id":"1","time":"2026-01-01T00:30:00Z","user":{"login":"ada","email":"ada@example.com","role":"Admin"},"action":"power","vm":{"id":"vm-100","name":"web-01"},"params":{"action":"stop"},"outcome":"success"},
 {"id":"2","time":"2026-01-01T01:00:00Z","user":{"login":"vera","email":"vera@example.com","role":"Viewer"},"action":"delete","vm":{"id":"vm-102","name":"test-01"},"params":{},"outcome":"refused","error":"delete of a VM needs the Admin role"},
 {"id":"3","time":"2026-01-01T02:00:00Z","user":{"login":"ed","email":"ed@example.com","role":"Editor"},"action":"updateHardware","vm":{"id":"vm-101","name":"db-01"},"params":{"cpuCount":8},"outcome":"success"}]}`))
	}))
	defer rs.Close()
	f := newFixture(t)
	f.deps.Relay = relay.NewWithHTTPClient(rs.URL, "tok", rs.Client())
	golden(t, "annotations_vm_operations", f.run(t, "annotations", map[string]any{"annotationKind": "vmOperations", "vms": []string{"web-01", "vm-102"}}))
	if gotQuery != "from=2026-01-01T00%3A00%3A00Z&page=1&pageSize=500&to=2026-01-01T03%3A00%3A00Z" {
		t.Fatalf("relay query %q", gotQuery)
	}
}

func TestAnnotationsWithoutRelayExplain(t *testing.T) {
	f := newFixture(t)
	dr := f.run(t, "annotations", map[string]any{"annotationKind": "vmOperations"})
	if dr.Error == nil {
		t.Fatal("want an error naming the missing relay")
	}
}
