// Package resourcetest is test support (only _test.go files import it): resource API requests
// sent the way Grafana's CallResource sends them, for the unit tests of pkg/resources and the
// simulator-backed ones of pkg/integration.
package resourcetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Call sends one resource request through h as Grafana does: path may carry a `?query`, which
// goes into the request URL. It answers the status and the raw body.
func Call(t testing.TB, h backend.CallResourceHandler, pc backend.PluginContext, method, path, body string) (int, []byte) {
	t.Helper()
	var got *backend.CallResourceResponse
	u := "http://grafana/api/datasources/uid/x/resources/" + path
	p, q, _ := strings.Cut(path, "?")
	if q != "" {
		u = "http://grafana/?" + q
	}
	err := h.CallResource(context.Background(), &backend.CallResourceRequest{
		PluginContext: pc, Path: p, Method: method, URL: u, Body: []byte(body),
	}, backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error { got = r; return nil }))
	if err != nil {
		t.Fatal(err)
	}
	if got == nil {
		t.Fatalf("%s %s: no response sent", method, path)
	}
	return got.Status, got.Body
}

// CallJSON is Call with the answer decoded when it is a JSON object (nil otherwise).
func CallJSON(t testing.TB, h backend.CallResourceHandler, pc backend.PluginContext, method, path, body string) (int, map[string]any) {
	t.Helper()
	status, raw := Call(t, h, pc, method, path, body)
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("body %s: %v", raw, err)
		}
	}
	return status, out
}

// Items answers the items of a list answer (`{"items": [...]}`) as objects.
func Items(body map[string]any) []map[string]any {
	raw, _ := body["items"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, it := range raw {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
