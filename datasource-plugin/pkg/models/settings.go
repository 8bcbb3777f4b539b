// Package models holds the data source settings, the query model shared with the frontend and the
// typed errors used across the backend.
package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
)

// Role is a Grafana organisation role as carried in backend.User.Role.
type Role string

// Grafana organisation roles, ranked Viewer < Editor < Admin.
const (
	RoleViewer Role = "Viewer"
	RoleEditor Role = "Editor"
	RoleAdmin  Role = "Admin"
)

// Rank orders roles so that a check is a comparison; unknown or empty roles rank 0 (no access).
func (r Role) Rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleEditor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// ActionRoles is the minimum role per VM action (docs/contracts.md §3).
type ActionRoles struct {
	Create Role `json:"create,omitempty"`
	Edit   Role `json:"edit,omitempty"`
	Power  Role `json:"power,omitempty"`
	Delete Role `json:"delete,omitempty"`
	// Clone and Migrate: clone a VM; move one (vMotion / Storage vMotion).
	Clone   Role `json:"clone,omitempty"`
	Migrate Role `json:"migrate,omitempty"`
}

// DefaultActionRoles are the contract defaults.
var DefaultActionRoles = ActionRoles{Create: RoleAdmin, Edit: RoleEditor, Power: RoleEditor, Delete: RoleAdmin, Clone: RoleAdmin, Migrate: RoleEditor}

// Settings are the non-secret options from jsonData plus the decrypted secrets.
type Settings struct {
	VcenterURL      string      `json:"vcenterUrl"`
	VcenterUser     string      `json:"vcenterUser"`
	VropsURL        string      `json:"vropsUrl"`
	VropsUser       string      `json:"vropsUser"`
	VropsAuthSource string      `json:"vropsAuthSource"`
	TLSSkipVerify   bool        `json:"tlsSkipVerify"`
	TimeoutSeconds  int         `json:"timeoutSeconds"`
	CacheTTLSeconds int         `json:"cacheTtlSeconds"`
	RelayURL        string      `json:"relayUrl"`
	Roles           ActionRoles `json:"roles"`
	// VcenterInstanceUUID is the vCenter's instance UUID as vROps stores it (VMEntityVCID); optional,
	// needed only when vROps monitors several vCenters and cannot be matched by URL (docs/contracts.md §4).
	VcenterInstanceUUID string `json:"vcenterInstanceUuid,omitempty"`
	// AuditOutage says what a VM change does when the relay cannot record its audit event:
	// "refuse" (default: the change is not made) or "spool" (the change is made and the events
	// wait in AuditSpoolDir until the relay takes them). docs/contracts.md §3 "Audit".
	AuditOutage string `json:"auditOutage,omitempty"`
	// AuditSpoolDir is the spool directory; default from the environment variable
	// PRIVATECLOUD_AUDIT_SPOOL_DIR. Required for "spool".
	AuditSpoolDir string `json:"auditSpoolDir,omitempty"`

	// HTTPClientOptions are Grafana's HTTP client options for this data source (proxy, secure
	// socks proxy, middleware), from backend.DataSourceInstanceSettings.HTTPClientOptions; nil
	// in tests. pkg/upstream builds every upstream client on them.
	HTTPClientOptions *httpclient.Options `json:"-"`

	// Secrets is never serialised: it only lives in memory (docs/contracts.md §4: the secrets are secureJsonData).
	Secrets Secrets `json:"-"`
}

// Secrets are the decrypted secure settings.
type Secrets struct {
	VcenterPassword string
	VropsPassword   string
	TLSCACert       string
	RelayToken      string
}

// String hides the secrets so that a stray %v never prints them.
func (Secrets) String() string { return "Secrets{redacted}" }

// GoString hides the secrets for %#v as well.
func (s Secrets) GoString() string { return s.String() }

// Timeout is the per-call upstream timeout.
func (s *Settings) Timeout() time.Duration { return time.Duration(s.TimeoutSeconds) * time.Second }

// CacheTTL is how long an inventory snapshot is served before it is rebuilt.
func (s *Settings) CacheTTL() time.Duration { return time.Duration(s.CacheTTLSeconds) * time.Second }

// LoadSettings reads the instance settings, applies defaults and validates them.
func LoadSettings(src backend.DataSourceInstanceSettings) (*Settings, error) {
	s := &Settings{}
	if len(src.JSONData) > 0 {
		if err := json.Unmarshal(src.JSONData, s); err != nil {
			return nil, fmt.Errorf("%w: the data source settings are not valid JSON: %v", ErrInvalidSettings, err)
		}
	}
	sec := src.DecryptedSecureJSONData
	s.Secrets = Secrets{
		VcenterPassword: sec["vcenterPassword"],
		VropsPassword:   sec["vropsPassword"],
		TLSCACert:       sec["tlsCaCert"],
		RelayToken:      sec["relayToken"],
	}
	s.applyDefaults()
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Settings) applyDefaults() {
	if s.TimeoutSeconds == 0 {
		s.TimeoutSeconds = 30
	}
	if s.CacheTTLSeconds == 0 {
		s.CacheTTLSeconds = 60
	}
	if s.Roles.Create == "" {
		s.Roles.Create = DefaultActionRoles.Create
	}
	if s.Roles.Edit == "" {
		s.Roles.Edit = DefaultActionRoles.Edit
	}
	if s.Roles.Power == "" {
		s.Roles.Power = DefaultActionRoles.Power
	}
	if s.Roles.Delete == "" {
		s.Roles.Delete = DefaultActionRoles.Delete
	}
	if s.Roles.Clone == "" {
		s.Roles.Clone = DefaultActionRoles.Clone
	}
	if s.Roles.Migrate == "" {
		s.Roles.Migrate = DefaultActionRoles.Migrate
	}
	s.VcenterURL = strings.TrimRight(strings.TrimSpace(s.VcenterURL), "/")
	s.VropsURL = strings.TrimRight(strings.TrimSpace(s.VropsURL), "/")
	s.RelayURL = strings.TrimRight(strings.TrimSpace(s.RelayURL), "/")
	s.VcenterInstanceUUID = strings.ToLower(strings.TrimSpace(s.VcenterInstanceUUID))
	if s.AuditOutage == "" {
		s.AuditOutage = AuditOutageRefuse
	}
	if s.AuditSpoolDir == "" {
		s.AuditSpoolDir = os.Getenv(AuditSpoolDirEnv)
	}
}

// What a VM change does when its audit event cannot be written (Settings.AuditOutage).
const (
	AuditOutageRefuse = "refuse"
	AuditOutageSpool  = "spool"
	// AuditSpoolDirEnv names the spool directory when the settings do not.
	AuditSpoolDirEnv = "PRIVATECLOUD_AUDIT_SPOOL_DIR"
)

// uuidPattern is the 8-4-4-4-12 hex shape of a vCenter instance UUID.
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Validate reports every problem at once so that the config page can show them together.
func (s *Settings) Validate() error {
	var problems []string
	checkURL := func(name, v string, required bool) {
		if v == "" {
			if required {
				problems = append(problems, name+" is required")
			}
			return
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, fmt.Sprintf("%s %q must be an http(s) URL such as https://vcenter.example.com", name, v))
		}
	}
	checkURL("vCenter URL", s.VcenterURL, true)
	checkURL("vROps URL", s.VropsURL, false)
	checkURL("relay URL", s.RelayURL, false)
	if s.VcenterUser == "" {
		problems = append(problems, "vCenter user is required")
	}
	if s.VcenterPassword() == "" {
		problems = append(problems, "vCenter password is required")
	}
	if s.VropsURL != "" {
		if s.VropsUser == "" {
			problems = append(problems, "vROps user is required when a vROps URL is set")
		}
		if s.Secrets.VropsPassword == "" {
			problems = append(problems, "vROps password is required when a vROps URL is set")
		}
	}
	if s.TimeoutSeconds < 1 || s.TimeoutSeconds > 600 {
		problems = append(problems, fmt.Sprintf("timeout must be between 1 and 600 seconds, not %d", s.TimeoutSeconds))
	}
	if s.CacheTTLSeconds < 1 || s.CacheTTLSeconds > 86400 {
		problems = append(problems, fmt.Sprintf("inventory cache TTL must be between 1 and 86400 seconds, not %d", s.CacheTTLSeconds))
	}
	if s.RelayURL != "" && s.Secrets.RelayToken == "" {
		problems = append(problems, "relay token is required when a relay URL is set")
	}
	if s.Secrets.TLSCACert != "" && !strings.Contains(s.Secrets.TLSCACert, "-----BEGIN CERTIFICATE-----") {
		problems = append(problems, "the CA certificate must be PEM (starting with -----BEGIN CERTIFICATE-----)")
	}
	for action, r := range map[string]Role{"create": s.Roles.Create, "edit": s.Roles.Edit, "power": s.Roles.Power, "delete": s.Roles.Delete} {
		if r.Rank() == 0 {
			problems = append(problems, fmt.Sprintf("role for %s must be Viewer, Editor or Admin, not %q", action, r))
		}
	}
	switch s.AuditOutage {
	case AuditOutageRefuse:
	case AuditOutageSpool:
		if s.AuditSpoolDir == "" || !filepath.IsAbs(s.AuditSpoolDir) {
			problems = append(problems, fmt.Sprintf("audit outage mode spool needs an absolute spool directory (auditSpoolDir or %s), not %q", AuditSpoolDirEnv, s.AuditSpoolDir))
		}
		if s.RelayURL == "" {
			problems = append(problems, "audit outage mode spool needs a relay URL to deliver the spooled events to")
		}
	default:
		problems = append(problems, fmt.Sprintf("audit outage mode must be refuse or spool, not %q", s.AuditOutage))
	}
	if s.VcenterInstanceUUID != "" && !uuidPattern.MatchString(s.VcenterInstanceUUID) {
		problems = append(problems, fmt.Sprintf("vCenter instance UUID %q must look like 0a1b2c3d-0000-4000-8000-00aabbccddee (vCenter: Administration > System Configuration, or vROps' VMEntityVCID)", s.VcenterInstanceUUID))
	}
	if len(problems) == 0 {
		return nil
	}
	sortStrings(problems)
	return fmt.Errorf("%w: %s", ErrInvalidSettings, strings.Join(problems, "; "))
}

// VcenterPassword is a helper so that Validate reads naturally.
func (s *Settings) VcenterPassword() string { return s.Secrets.VcenterPassword }

func sortStrings(a []string) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// ErrInvalidSettings marks configuration problems.
var ErrInvalidSettings = errors.New("invalid data source settings")
