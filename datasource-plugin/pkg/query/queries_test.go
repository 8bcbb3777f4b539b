package query

import (
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestVMDetailGolden(t *testing.T) {
	f := newFixture(t)
	golden(t, "vmdetail", f.run(t, "vmDetail", map[string]any{"vms": []string{"web-01", "vm-102"}}))
	f.noUnmatched(t)
}

func TestMetricsGolden(t *testing.T) {
	f := newFixture(t)
	golden(t, "metrics", f.run(t, "metrics", map[string]any{
		"resourceKind": "VirtualMachine", "selection": map[string]any{"mode": "under", "parent": "Cluster-A"},
		"statKeys": []string{"cpu|usage_average", "mem|usage_average"}, "rollUp": "AVG", "interval": "1h"}))
	f.noUnmatched(t)
	if n := f.srv.CallCount("POST /suite-api/api/resources/stats/query"); n != 1 {
		t.Fatalf("stats calls = %d, want one bulk call", n)
	}
}

func TestLatestGolden(t *testing.T) {
	f := newFixture(t)
	golden(t, "latest", f.run(t, "latest", map[string]any{
		"resourceKind": "VirtualMachine", "selection": map[string]any{"mode": "regex", "regex": "^(web|db)-"}, "statKeys": []string{"cpu|usage_average"}}))
	f.noUnmatched(t)
}

func TestAlertsGolden(t *testing.T) {
	f := newFixture(t)
	golden(t, "alerts", f.run(t, "alerts", map[string]any{"minLevel": "WARNING"}))
	f.noUnmatched(t)
}

func TestVariableGolden(t *testing.T) {
	f := newFixture(t)
	golden(t, "variable_hosts_of_cluster", f.run(t, "variable", map[string]any{"entity": "hosts", "filter": map[string]any{"cluster": "domain-c1"}}))
	f.noUnmatched(t)
}

func TestAnnotationsHostChangesGolden(t *testing.T) {
	f := newFixture(t)
	golden(t, "annotations_host_changes", f.run(t, "annotations", map[string]any{"annotationKind": "hostChanges"}))
}

func TestBadQueries(t *testing.T) {
	tests := []struct {
		name, queryType string
		model           map[string]any
		want            string
		status          backend.Status
	}{
		{"unknown entity", "inventory", map[string]any{"entity": "toasters"}, "entity \"toasters\" is unknown", backend.StatusBadRequest},
		{"bad regex", "inventory", map[string]any{"entity": "vms", "filter": map[string]any{"nameRegex": "("}}, "not valid", backend.StatusBadRequest},
		{"bad power state", "inventory", map[string]any{"entity": "vms", "filter": map[string]any{"powerState": "ON"}}, "power state", backend.StatusBadRequest},
		{"metrics without selection", "metrics", map[string]any{"statKeys": []string{"cpu|usage_average"}}, "selection is empty", backend.StatusBadRequest},
		{"metrics bad stat key", "metrics", map[string]any{"selection": map[string]any{"mode": "ids", "ids": []string{"web-01"}}, "statKeys": []string{"DROP TABLE"}}, "is not a stat key", backend.StatusBadRequest},
		{"metrics unknown vm", "metrics", map[string]any{"selection": map[string]any{"mode": "ids", "ids": []string{"ghost"}}, "statKeys": []string{"cpu|usage_average"}}, "\"ghost\"", backend.StatusBadRequest},
		{"metrics bad interval", "metrics", map[string]any{"selection": map[string]any{"mode": "ids", "ids": []string{"web-01"}}, "statKeys": []string{"cpu|usage_average"}, "interval": "7m"}, "multiple of", backend.StatusBadRequest},
		{"metrics bad rollup", "metrics", map[string]any{"selection": map[string]any{"mode": "ids", "ids": []string{"web-01"}}, "statKeys": []string{"cpu|usage_average"}, "rollUp": "MEDIAN"}, "roll-up", backend.StatusBadRequest},
		{"metrics bad kind", "metrics", map[string]any{"resourceKind": "Toaster", "selection": map[string]any{"mode": "ids", "ids": []string{"web-01"}}, "statKeys": []string{"cpu|usage_average"}}, "resource kind", backend.StatusBadRequest},
		{"alerts bad level", "alerts", map[string]any{"minLevel": "PANIC"}, "alert level", backend.StatusBadRequest},
		{"vmDetail empty", "vmDetail", map[string]any{}, "at least one VM", backend.StatusBadRequest},
		{"annotation kind", "annotations", map[string]any{"annotationKind": "weather"}, "annotation kind", backend.StatusBadRequest},
		{"unknown type", "teapot", map[string]any{}, "query type \"teapot\" is unknown", backend.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			dr := f.run(t, tc.queryType, tc.model)
			if dr.Error == nil || !strings.Contains(dr.Error.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", dr.Error, tc.want)
			}
			if dr.Status != tc.status {
				t.Fatalf("status = %d, want %d", dr.Status, tc.status)
			}
			if n := f.srv.CallCount("POST /suite-api/api/resources/stats/query"); n != 0 {
				t.Fatalf("a bad query reached vROps %d times", n)
			}
		})
	}
}

func TestMalformedJSONFailsOnlyItsQuery(t *testing.T) {
	f := newFixture(t)
	resp, err := NewMux(f.deps).QueryData(t.Context(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		{RefID: "bad", QueryType: "inventory", JSON: []byte(`{"entity": [`)},
		{RefID: "good", QueryType: "inventory", JSON: []byte(`{"entity":"hosts"}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Responses["bad"].Error == nil || resp.Responses["bad"].Status != backend.StatusBadRequest {
		t.Fatalf("bad query: %+v", resp.Responses["bad"])
	}
	if resp.Responses["good"].Error != nil || resp.Responses["good"].Frames[0].Rows() != 2 {
		t.Fatalf("good query: %+v", resp.Responses["good"])
	}
}

func TestQueryTypeOnlyInJSON(t *testing.T) {
	f := newFixture(t)
	resp, err := NewMux(f.deps).QueryData(t.Context(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		{RefID: "A", JSON: []byte(`{"queryType":"inventory","entity":"clusters"}`)},
		{RefID: "B", JSON: []byte(`{"queryType":"bogus"}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if r := resp.Responses["A"]; r.Error != nil || r.Frames[0].Rows() != 1 {
		t.Fatalf("A: %+v", r)
	}
	if r := resp.Responses["B"]; r.Error == nil || !strings.Contains(r.Error.Error(), `"bogus" is unknown`) {
		t.Fatalf("B: %+v", r)
	}
}
