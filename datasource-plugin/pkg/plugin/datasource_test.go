package plugin

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/internal/replay"
)

func settings(vc, vr string) backend.DataSourceInstanceSettings {
	j, _ := json.Marshal(map[string]any{"vcenterUrl": vc, "vcenterUser": "administrator@vsphere.local", "vropsUrl": vr, "vropsUser": "admin", "timeoutSeconds": 2})
	return backend.DataSourceInstanceSettings{ID: 1, UID: "x", JSONData: j, DecryptedSecureJSONData: map[string]string{"vcenterPassword": "p", "vropsPassword": "p"}}
}

func upstream(t *testing.T) *replay.Server {
	return replay.Serve(t, "../query/testdata/vcenter.json", "../query/testdata/vrops.json")
}

func TestCheckHealth(t *testing.T) {
	up := upstream(t)
	tests := []struct {
		name     string
		vc, vr   string
		status   backend.HealthStatus
		contains []string
	}{
		{"both ok with versions", up.URL, up.URL, backend.HealthStatusOk, []string{"vCenter OK (8.0.2.00100 build 22617221", "vROps OK (VMware Aria Operations 8.18.0)"}},
		{"vrops unreachable", up.URL, "http://127.0.0.1:1", backend.HealthStatusError, []string{"vCenter OK", "vROps: ", "cannot reach vROps"}},
		{"vcenter unreachable", "http://127.0.0.1:1", up.URL, backend.HealthStatusError, []string{"vCenter: ", "cannot reach vCenter", "vROps OK"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inst, err := NewDatasource(context.Background(), settings(tc.vc, tc.vr))
			if err != nil {
				t.Fatal(err)
			}
			ds := inst.(*Datasource)
			defer ds.Dispose()
			res, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.status {
				t.Fatalf("status %v: %s", res.Status, res.Message)
			}
			for _, c := range tc.contains {
				if !strings.Contains(res.Message, c) {
					t.Fatalf("message %q lacks %q", res.Message, c)
				}
			}
			var det HealthDetails
			if err := json.Unmarshal(res.JSONDetails, &det); err != nil {
				t.Fatal(err)
			}
			if tc.vr == "http://127.0.0.1:1" && (det.VROps == nil || det.VROps.Problem != "unreachable") {
				t.Fatalf("details %+v", det)
			}
		})
	}
}

func TestInvalidSettingsAnswerWithTheProblem(t *testing.T) {
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{JSONData: []byte(`{"vcenterUrl":"not a url"}`)})
	if err != nil {
		t.Fatal(err)
	}
	h := inst.(backend.CheckHealthHandler)
	res, _ := h.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "vCenter password is required") {
		t.Fatalf("%v %s", res.Status, res.Message)
	}
	q := inst.(backend.QueryDataHandler)
	resp, _ := q.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{RefID: "A"}}})
	if resp.Responses["A"].Error == nil {
		t.Fatal("query must fail with the settings problem")
	}
}

func TestDisposeLogsOut(t *testing.T) {
	up := upstream(t)
	inst, _ := NewDatasource(context.Background(), settings(up.URL, up.URL))
	ds := inst.(*Datasource)
	if _, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{}); err != nil {
		t.Fatal(err)
	}
	ds.Dispose()
	if n := up.CallCount("DELETE /api/session"); n != 1 {
		t.Fatalf("vCenter logouts = %d, want 1", n)
	}
	if n := up.CallCount("POST /suite-api/api/auth/token/release"); n != 1 {
		t.Fatalf("vROps token releases = %d, want 1", n)
	}
}

func TestTLSSettings(t *testing.T) {
	vc, _ := replay.Load("../query/testdata/vcenter.json")
	vr, _ := replay.Load("../query/testdata/vrops.json")
	up := replay.NewTLS(vc, vr)
	defer up.Close()
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: up.Certificate().Raw}))
	otherPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: otherCert(t)}))
	tests := []struct {
		name     string
		json     map[string]any
		ca       string
		status   backend.HealthStatus
		contains string
	}{
		{"verification on by default", nil, "", backend.HealthStatusError, "not trusted"},
		{"custom CA from secure settings", nil, caPEM, backend.HealthStatusOk, "vCenter OK"},
		{"wrong CA", nil, otherPEM, backend.HealthStatusError, "not trusted"},
		{"explicit skip verify", map[string]any{"tlsSkipVerify": true}, "", backend.HealthStatusOk, "vROps OK"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j := map[string]any{"vcenterUrl": up.URL, "vcenterUser": "u", "vropsUrl": up.URL, "vropsUser": "u", "timeoutSeconds": 5}
			for k, v := range tc.json {
				j[k] = v
			}
			raw, _ := json.Marshal(j)
			sec := map[string]string{"vcenterPassword": "p", "vropsPassword": "p"}
			if tc.ca != "" {
				sec["tlsCaCert"] = tc.ca
			}
			inst, _ := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{ID: int64(i), JSONData: raw, DecryptedSecureJSONData: sec})
			res, err := inst.(backend.CheckHealthHandler).CheckHealth(context.Background(), &backend.CheckHealthRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.status || !strings.Contains(res.Message, tc.contains) {
				t.Fatalf("%v %s", res.Status, res.Message)
			}
		})
	}
}

// otherCert is a fresh self-signed CA certificate that did not sign the upstream's certificate
// (httptest servers all share one built-in certificate, so another server would not do).
func otherCert(t *testing.T) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "other test CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}
