package models

import (
	"errors"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

func TestLoadSettings(t *testing.T) {
	okSecrets := map[string]string{"vcenterPassword": "pw", "vropsPassword": "pw2"}
	tests := []struct {
		name    string
		json    string
		secrets map[string]string
		wantErr string
		check   func(t *testing.T, s *Settings)
	}{
		{name: "defaults", json: `{"vcenterUrl":"https://vc.example.com/","vcenterUser":"u"}`, secrets: okSecrets, check: func(t *testing.T, s *Settings) {
			if s.TimeoutSeconds != 30 || s.CacheTTLSeconds != 60 || s.TLSSkipVerify {
				t.Fatalf("defaults not applied: %+v", s)
			}
			if s.Roles != DefaultActionRoles {
				t.Fatalf("roles = %+v", s.Roles)
			}
			if s.VcenterURL != "https://vc.example.com" {
				t.Fatalf("trailing slash kept: %q", s.VcenterURL)
			}
		}},
		{name: "custom roles kept", json: `{"vcenterUrl":"https://vc","vcenterUser":"u","roles":{"power":"Admin"}}`, secrets: okSecrets, check: func(t *testing.T, s *Settings) {
			if s.Roles.Power != RoleAdmin || s.Roles.Delete != RoleAdmin || s.Roles.Edit != RoleEditor {
				t.Fatalf("roles = %+v", s.Roles)
			}
		}},
		{name: "missing vcenter url", json: `{"vcenterUser":"u"}`, secrets: okSecrets, wantErr: "vCenter URL is required"},
		{name: "bad scheme", json: `{"vcenterUrl":"ftp://vc","vcenterUser":"u"}`, secrets: okSecrets, wantErr: "must be an http(s) URL"},
		{name: "missing password", json: `{"vcenterUrl":"https://vc","vcenterUser":"u"}`, secrets: nil, wantErr: "vCenter password is required"},
		{name: "vrops without user", json: `{"vcenterUrl":"https://vc","vcenterUser":"u","vropsUrl":"https://ops"}`, secrets: okSecrets, wantErr: "vROps user is required"},
		{name: "relay without token", json: `{"vcenterUrl":"https://vc","vcenterUser":"u","relayUrl":"http://relay:3000"}`, secrets: okSecrets, wantErr: "relay token is required"},
		{name: "role below viewer", json: `{"vcenterUrl":"https://vc","vcenterUser":"u","roles":{"delete":"None"}}`, secrets: okSecrets, wantErr: "role for delete"},
		{name: "timeout range", json: `{"vcenterUrl":"https://vc","vcenterUser":"u","timeoutSeconds":-1}`, secrets: okSecrets, wantErr: "timeout must be between"},
		{name: "not pem", json: `{"vcenterUrl":"https://vc","vcenterUser":"u"}`, secrets: map[string]string{"vcenterPassword": "p", "tlsCaCert": "hello"}, wantErr: "PEM"},
		{name: "pem ok", json: `{"vcenterUrl":"https://vc","vcenterUser":"u"}`, secrets: map[string]string{"vcenterPassword": "p", "tlsCaCert": pem}},
		{name: "instance uuid kept, lower-cased", json: `{"vcenterUrl":"https://vc","vcenterUser":"u","vcenterInstanceUuid":" 0A1B2C3D-0000-4000-8000-00AABBCCDDEE "}`, secrets: okSecrets, check: func(t *testing.T, s *Settings) {
			if s.VcenterInstanceUUID != "0a1b2c3d-0000-4000-8000-00aabbccddee" {
				t.Fatalf("uuid %q", s.VcenterInstanceUUID)
			}
		}},
		{name: "instance uuid malformed", json: `{"vcenterUrl":"https://vc","vcenterUser":"u","vcenterInstanceUuid":"vc-1"}`, secrets: okSecrets, wantErr: "vCenter instance UUID"},
		{name: "audit outage default refuse", json: `{"vcenterUrl":"https://vc","vcenterUser":"u"}`, secrets: okSecrets, check: func(t *testing.T, s *Settings) {
			if s.AuditOutage != AuditOutageRefuse {
				t.Fatalf("audit outage %q", s.AuditOutage)
			}
		}},
		{name: "audit outage unknown", json: `{"vcenterUrl":"https://vc","vcenterUser":"u","auditOutage":"ignore"}`, secrets: okSecrets, wantErr: "must be refuse or spool"},
		{name: "spool without dir", json: `{"vcenterUrl":"https://vc","vcenterUser":"u","relayUrl":"http://r","auditOutage":"spool"}`, secrets: map[string]string{"vcenterPassword": "p", "relayToken": "t"}, wantErr: "absolute spool directory"},
		{name: "spool relative dir", json: `{"vcenterUrl":"https://vc","vcenterUser":"u","relayUrl":"http://r","auditOutage":"spool","auditSpoolDir":"spool"}`, secrets: map[string]string{"vcenterPassword": "p", "relayToken": "t"}, wantErr: "absolute spool directory"},
		{name: "spool ok", json: `{"vcenterUrl":"https://vc","vcenterUser":"u","relayUrl":"http://r","auditOutage":"spool","auditSpoolDir":"/var/lib/grafana/audit-spool"}`, secrets: map[string]string{"vcenterPassword": "p", "relayToken": "t"}},
		{name: "malformed json", json: `{"vcenterUrl":`, secrets: okSecrets, wantErr: "not valid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := LoadSettings(backend.DataSourceInstanceSettings{JSONData: []byte(tc.json), DecryptedSecureJSONData: tc.secrets})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrInvalidSettings) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	s := Secrets{VcenterPassword: "hunter2"}
	for _, out := range []string{s.String(), s.GoString()} {
		if strings.Contains(out, "hunter2") {
			t.Fatalf("secret leaked: %s", out)
		}
	}
}

func TestRoleRank(t *testing.T) {
	tests := []struct {
		role Role
		rank int
	}{{"", 0}, {"None", 0}, {RoleViewer, 1}, {RoleEditor, 2}, {RoleAdmin, 3}, {"admin", 0}}
	for _, tc := range tests {
		if got := tc.role.Rank(); got != tc.rank {
			t.Errorf("%q rank = %d, want %d", tc.role, got, tc.rank)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{
		`{"queryType":"inventory","entity":"vms","filter":{"host":["a","b"],"powerState":"POWERED_ON"}}`,
		`{"queryType":"metrics","selection":{"mode":"under","parent":"c"},"statKeys":["cpu|usage_average"]}`,
		`{"vms":"vm-1"}`, `{"vms":null}`, `[]`, `{"selection":{"ids":7}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		q, err := ParseQuery(raw)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error not typed: %v", err)
			}
			return
		}
		_ = q.ValidateSelection(true)
		_ = ValidEntity(q.Entity, false)
	})
}

func TestStringList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`"a"`, []string{"a"}}, {`["a","","b"]`, []string{"a", "b"}}, {`""`, nil}, {`null`, nil}, {`"{esx-01,esx-02}"`, []string{"esx-01", "esx-02"}}, {`"{solo}"`, []string{"{solo}"}},
	}
	for _, tc := range tests {
		var l StringList
		if err := l.UnmarshalJSON([]byte(tc.in)); err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if strings.Join(l, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: got %q, want %q", tc.in, l, tc.want)
		}
	}
	var l StringList
	if err := l.UnmarshalJSON([]byte(`{"x":1}`)); err == nil {
		t.Error("an object must be refused")
	}
}
