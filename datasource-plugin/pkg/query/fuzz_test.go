package query

import (
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// FuzzQueryJSON sends arbitrary query JSON for every query type: each must answer with frames
// or an error a person can read, never panic (a recovered panic shows up as StatusInternal).
func FuzzQueryJSON(f *testing.F) {
	for _, s := range []string{
		`{"entity":"vms","filter":{"host":"esx-01.lab","nameRegex":"^w"}}`,
		`{"vms":["web-01"]}`,
		`{"resourceKind":"VirtualMachine","selection":{"mode":"regex","regex":".*"},"statKeys":["cpu|usage_average"],"interval":"1h"}`,
		`{"selection":{"mode":"under","parent":"DC1"},"statKeys":["mem|usage_average"],"rollUp":"MAX"}`,
		`{"minLevel":"CRITICAL","selection":{"mode":"ids","ids":"db-01"}}`,
		`{"annotationKind":"hostChanges","vms":["x"]}`,
		`{"entity":7}`, `null`, `{"selection":null,"statKeys":null}`,
	} {
		f.Add(s, uint8(0))
	}
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, raw string, pick uint8) {
		types := []string{"inventory", "vmDetail", "metrics", "latest", "alerts", "variable", "annotations"}
		qt := types[int(pick)%len(types)]
		resp, err := NewMux(fx.deps).QueryData(t.Context(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
			RefID: "A", QueryType: qt, JSON: []byte(raw), Interval: time.Hour, TimeRange: backend.TimeRange{From: from, To: to}}}})
		if err != nil {
			t.Fatal(err)
		}
		if r := resp.Responses["A"]; r.Status == backend.StatusInternal {
			t.Fatalf("%s with %q: %v", qt, raw, r.Error)
		}
	})
}
