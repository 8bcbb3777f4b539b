package query

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/relay"
)

// runAs runs one query as data source uid would be asked by Grafana (the plugin context names it).
func (f *fixture) runAs(t *testing.T, uid, queryType string, model map[string]any) backend.DataResponse {
	t.Helper()
	model["queryType"], model["refId"] = queryType, "A"
	raw, _ := json.Marshal(model)
	resp, err := NewMux(f.deps).QueryData(context.Background(), &backend.QueryDataRequest{
		PluginContext: backend.PluginContext{DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{UID: uid}},
		Queries: []backend.DataQuery{{RefID: "A", QueryType: queryType, JSON: raw, Interval: time.Hour, MaxDataPoints: 100,
			TimeRange: backend.TimeRange{From: from, To: to}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Responses["A"]
}

// auditPage is what the relay answers: each change as intent and outcome (same auditOperation),
// a refusal without one, and a change recorded by another data source (other vCenter, same VM id).
const auditPage = `{"total":7,"items":[
 {"id":"7","time":"2026-01-01T02:00:01Z","user":{"login":"ed","email":"ed@example.com","role":"Editor"},"action":"updateHardware","vm":{"id":"vm-101","name":"db-01"},"params":{"cpuCount":8,"auditOperation":"op-3","auditPhase":"intent"},"outcome":"unknown","datasourceUid":"ds-1"},
 {"id":"6","time":"2026-01-01T01:30:00.400Z","user":{"login":"ada","email":"ada@example.com","role":"Admin"},"action":"power","vm":{"id":"vm-100","name":"vc2-app-01"},"params":{"action":"start","auditOperation":"op-9","auditPhase":"outcome"},"outcome":"success","datasourceUid":"ds-2"},
 {"id":"5","time":"2026-01-01T01:30:00Z","user":{"login":"ada","email":"ada@example.com","role":"Admin"},"action":"power","vm":{"id":"vm-100","name":"vc2-app-01"},"params":{"action":"start","auditOperation":"op-9","auditPhase":"intent"},"outcome":"unknown","datasourceUid":"ds-2"},
 {"id":"4","time":"2026-01-01T01:00:00Z","user":{"login":"vera","email":"vera@example.com","role":"Viewer"},"action":"delete","vm":{"id":"vm-102","name":"test-01"},"params":{},"outcome":"refused","error":"delete of a VM needs the Admin role","datasourceUid":"ds-1"},
 {"id":"3","time":"2026-01-01T00:30:01.250Z","user":{"login":"ada","email":"ada@example.com","role":"Admin"},"action":"power","vm":{"id":"vm-100","name":"web-01"},"params":{"action":"stop","auditOperation":"op-1","auditPhase":"outcome"},"outcome":"failure","error":"vCenter refused: the VM is busy","datasourceUid":"ds-1"},
 {"id":"2","time":"2026-01-01T00:30:00Z","user":{"login":"ada","email":"ada@example.com","role":"Admin"},"action":"power","vm":{"id":"vm-100","name":"web-01"},"params":{"action":"stop","auditOperation":"op-1","auditPhase":"intent"},"outcome":"unknown","datasourceUid":"ds-1"},
 {"id":"1","time":"2026-01-01T00:10:00Z","user":{"login":"ada","email":"ada@example.com","role":"Admin"},"action":"power","vm":{"id":"vm-100","name":"web-01"},"params":{"action":"reset","auditOperation":"op-0","auditPhase":"outcome"},"outcome":"success","datasourceUid":"ds-1"}]}`

func TestAnnotationsVMOperationsGolden(t *testing.T) {
	var gotQuery string
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/internal/audit" || r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(404)
			return
		}
		gotQuery = r.URL.RawQuery
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(auditPage))
	}))
	defer rs.Close()
	f := newFixture(t)
	f.deps.Relay = relay.NewWithHTTPClient(rs.URL, "tok", rs.Client())
	golden(t, "annotations_vm_operations", f.runAs(t, "ds-1", "annotations", map[string]any{"annotationKind": "vmOperations", "vms": []string{"web-01", "vm-102", "db-01"}}))
	if gotQuery != "datasourceUid=ds-1&from=2026-01-01T00%3A00%3A00Z&page=1&pageSize=500&to=2026-01-01T03%3A00%3A00Z" {
		t.Fatalf("relay query %q", gotQuery)
	}
}

func TestVMOperationAnnotations(t *testing.T) {
	ev := func(ts, ds, op, phase, outcome, errText string) relay.AuditEvent {
		p := map[string]any{"action": "stop"}
		if op != "" {
			p[relay.ParamOperation], p[relay.ParamPhase] = op, phase
		}
		return relay.AuditEvent{Time: ts, Action: "power", VM: relay.AuditVM{ID: "vm-100", Name: "web-01"}, User: relay.AuditUser{Login: "ada", Role: "Admin"},
			Params: p, Outcome: outcome, Error: errText, DatasourceUID: ds}
	}
	t0 := "2026-01-01T00:00:00Z"
	t1 := "2026-01-01T00:00:02Z"
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	tests := []struct {
		name   string
		events []relay.AuditEvent
		uid    string
		want   []OpAnnotation
	}{
		{"intent and outcome are one operation, newest first or not", []relay.AuditEvent{ev(t1, "ds-1", "op", "outcome", "success", ""), ev(t0, "ds-1", "op", "intent", "unknown", "")}, "ds-1",
			[]OpAnnotation{{at(t0), at(t1), "power stop web-01: success", "power by ada (Admin)", "vm-operation,power,success"}}},
		{"a failed outcome shows its error", []relay.AuditEvent{ev(t0, "ds-1", "op", "intent", "unknown", ""), ev(t1, "ds-1", "op", "outcome", "failure", "busy")}, "ds-1",
			[]OpAnnotation{{at(t0), at(t1), "power stop web-01: failure", "power by ada (Admin): busy", "vm-operation,power,failure"}}},
		{"an intent alone is unknown", []relay.AuditEvent{ev(t0, "ds-1", "op", "intent", "unknown", "")}, "ds-1",
			[]OpAnnotation{{at(t0), at(t0), "power stop web-01: unknown", "power by ada (Admin): no outcome recorded yet (vCenter's answer is pending or was lost)", "vm-operation,power,unknown"}}},
		{"another data source's events are left out", []relay.AuditEvent{ev(t0, "ds-2", "op", "intent", "unknown", ""), ev(t1, "ds-2", "op", "outcome", "success", "")}, "ds-1",
			[]OpAnnotation{}},
		{"two operations stay two, sorted by start", []relay.AuditEvent{ev(t1, "ds-1", "b", "outcome", "success", ""), ev(t0, "ds-1", "a", "outcome", "success", "")}, "ds-1",
			[]OpAnnotation{{at(t0), at(t0), "power stop web-01: success", "power by ada (Admin)", "vm-operation,power,success"},
				{at(t1), at(t1), "power stop web-01: success", "power by ada (Admin)", "vm-operation,power,success"}}},
		{"events without an operation key stand alone", []relay.AuditEvent{ev(t0, "ds-1", "", "", "refused", "needs Admin"), ev(t1, "ds-1", "", "", "refused", "needs Admin")}, "ds-1",
			[]OpAnnotation{{at(t0), at(t0), "power stop web-01: refused", "power by ada (Admin): needs Admin", "vm-operation,power,refused"},
				{at(t1), at(t1), "power stop web-01: refused", "power by ada (Admin): needs Admin", "vm-operation,power,refused"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := VMOperationAnnotations(tc.events, tc.uid, nil); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	keepNone := func(string) bool { return false }
	if got := VMOperationAnnotations([]relay.AuditEvent{ev(t0, "ds-1", "op", "intent", "unknown", "")}, "ds-1", keepNone); len(got) != 0 {
		t.Fatalf("VM filter ignored: %+v", got)
	}
}

func TestAnnotationsWithoutRelayExplain(t *testing.T) {
	f := newFixture(t)
	dr := f.run(t, "annotations", map[string]any{"annotationKind": "vmOperations"})
	if dr.Error == nil {
		t.Fatal("want an error naming the missing relay")
	}
}
