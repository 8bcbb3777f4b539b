package upstream_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/relay"
	"github.com/privatecloud/vsphere/pkg/upstream"
	"github.com/privatecloud/vsphere/pkg/vcenter"
	"github.com/privatecloud/vsphere/pkg/vrops"
)

// proxiedHost is a name that resolves nowhere: a request for it only arrives through the proxy.
const proxiedHost = "vcenter.proxy-test.invalid"

// forwardProxy is an HTTP forward proxy started by the tests: it records the absolute-URI
// requests it gets and sends them on to target.
type forwardProxy struct {
	mu     sync.Mutex
	seen   []string
	target string // host:port every proxied request goes to
}

func (p *forwardProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !r.URL.IsAbs() {
		http.Error(w, "not a proxy request", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, r.Method+" "+r.URL.String())
	target := p.target
	p.mu.Unlock()
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Host = target
	resp, err := (&http.Transport{Proxy: nil}).RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (p *forwardProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

var proxy = &forwardProxy{}

// TestMain starts the forward proxy and points the process's proxy environment at it before any
// client reads it: Grafana hands its proxy settings to plugins as HTTP_PROXY / HTTPS_PROXY /
// NO_PROXY, which Go reads once per process. Loopback addresses are never proxied by Go, so the
// other tests of this package are unaffected.
func TestMain(m *testing.M) {
	srv := httptest.NewServer(proxy)
	_ = os.Setenv("HTTP_PROXY", srv.URL)
	_ = os.Setenv("http_proxy", srv.URL)
	// The secure socks proxy test's host goes there directly, as NO_PROXY says.
	_ = os.Setenv("NO_PROXY", pdcDomain)
	_ = os.Setenv("no_proxy", pdcDomain)
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

// grafanaSettings are the instance settings Grafana sends, turned into the plugin's settings with
// Grafana's HTTP client options, as pkg/plugin does.
func grafanaSettings(t *testing.T, jsonData map[string]any, secure map[string]string) *models.Settings {
	t.Helper()
	raw, err := json.Marshal(jsonData)
	if err != nil {
		t.Fatal(err)
	}
	src := backend.DataSourceInstanceSettings{Name: "vSphere", UID: "vs1", Type: "privatecloud-vsphere-datasource", JSONData: raw, DecryptedSecureJSONData: secure}
	s, err := models.LoadSettings(src)
	if err != nil {
		t.Fatalf("LoadSettings: %v", err)
	}
	opts, err := src.HTTPClientOptions(context.Background())
	if err != nil {
		t.Fatalf("HTTPClientOptions: %v", err)
	}
	s.HTTPClientOptions = &opts
	return s
}

// fakeVCenter answers a login and the session check, and records the headers it got.
func fakeVCenter(t *testing.T) (*httptest.Server, *[]http.Header) {
	t.Helper()
	var mu sync.Mutex
	var headers []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		headers = append(headers, r.Header.Clone())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/session":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `"0123456789abcdef0123456789abcdef"`)
		case r.Method == http.MethodGet && r.URL.Path == "/api/session":
			_, _ = io.WriteString(w, `{"user":"VSPHERE.LOCAL\\monitor"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &headers
}

func TestVCenterThroughGrafanaProxy(t *testing.T) {
	vc, headers := fakeVCenter(t)
	proxy.mu.Lock()
	proxy.target = strings.TrimPrefix(vc.URL, "http://")
	proxy.mu.Unlock()

	// A custom header from the data source's Grafana HTTP settings proves the SDK's middleware runs.
	s := grafanaSettings(t, map[string]any{
		"vcenterUrl":      "http://" + proxiedHost,
		"vcenterUser":     "monitor",
		"httpHeaderName1": "X-Tenant",
	}, map[string]string{"vcenterPassword": "pw", "httpHeaderValue1": "blue"})
	c, err := vcenter.New(s)
	if err != nil {
		t.Fatal(err)
	}
	user, err := c.CheckSession(context.Background())
	if err != nil {
		t.Fatalf("session check through the proxy: %v", err)
	}
	if user != `VSPHERE.LOCAL\monitor` {
		t.Fatalf("user %q", user)
	}
	got := proxy.requests()
	want := []string{"POST http://" + proxiedHost + "/api/session", "GET http://" + proxiedHost + "/api/session"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("proxy saw %v, want %v", got, want)
	}
	for i, h := range *headers {
		if h.Get("X-Tenant") != "blue" {
			t.Fatalf("request %d lacks the header from Grafana's HTTP settings: %v", i, h)
		}
	}
}

// pdcDomain is the domain of the host reached only through the secure socks proxy test's SOCKS5 server.
const pdcDomain = "pdc-test.invalid"

// socks5 is a minimal SOCKS5 server (RFC 1928, CONNECT, no authentication) standing in for
// Grafana's secure socks proxy (private data source connect): it records each CONNECT target and
// joins every connection to target.
type socks5 struct {
	ln       net.Listener
	target   string
	mu       sync.Mutex
	connects []string
}

func startSOCKS5(t *testing.T, target string) *socks5 {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &socks5{ln: ln, target: target}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *socks5) serve(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 262)
	// Greeting: VER NMETHODS METHODS; choose "no authentication required".
	if _, err := io.ReadFull(c, buf[:2]); err != nil || buf[0] != 5 {
		return
	}
	if _, err := io.ReadFull(c, buf[:buf[1]]); err != nil {
		return
	}
	if _, err := c.Write([]byte{5, 0}); err != nil {
		return
	}
	// Request: VER CMD RSV ATYP DST.ADDR DST.PORT
	if _, err := io.ReadFull(c, buf[:4]); err != nil || buf[1] != 1 {
		return
	}
	var host string
	switch buf[3] {
	case 1:
		if _, err := io.ReadFull(c, buf[:4]); err != nil {
			return
		}
		host = net.IP(buf[:4]).String()
	case 3:
		if _, err := io.ReadFull(c, buf[:1]); err != nil {
			return
		}
		n := int(buf[0])
		if _, err := io.ReadFull(c, buf[:n]); err != nil {
			return
		}
		host = string(buf[:n])
	default:
		return
	}
	if _, err := io.ReadFull(c, buf[:2]); err != nil {
		return
	}
	port := int(buf[0])<<8 | int(buf[1])
	s.mu.Lock()
	s.connects = append(s.connects, fmt.Sprintf("%s:%d", host, port))
	s.mu.Unlock()
	up, err := net.Dial("tcp", s.target)
	if err != nil {
		_, _ = c.Write([]byte{5, 1, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	defer up.Close()
	if _, err := c.Write([]byte{5, 0, 0, 1, 0, 0, 0, 0, 0, 0}); err != nil {
		return
	}
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, up); done <- struct{}{} }()
	<-done
}

func TestVCenterThroughSecureSocksProxy(t *testing.T) {
	vc, _ := fakeVCenter(t)
	socks := startSOCKS5(t, strings.TrimPrefix(vc.URL, "http://"))
	// Grafana hands its secure socks proxy settings to the plugin in the request's config; the data
	// source opts in with enableSecureSocksProxy. allow_insecure skips the proxy's TLS, which is
	// the SDK's concern, not this project's.
	ctx := backend.WithGrafanaConfig(context.Background(), backend.NewGrafanaCfg(map[string]string{
		"GF_SECURE_SOCKS_DATASOURCE_PROXY_SERVER_ENABLED": "true",
		"GF_SECURE_SOCKS_DATASOURCE_PROXY_PROXY_ADDRESS":  socks.ln.Addr().String(),
		"GF_SECURE_SOCKS_DATASOURCE_PROXY_ALLOW_INSECURE": "true",
	}))
	raw, _ := json.Marshal(map[string]any{"vcenterUrl": "http://vcenter." + pdcDomain, "vcenterUser": "monitor", "enableSecureSocksProxy": true})
	src := backend.DataSourceInstanceSettings{Name: "vSphere", UID: "vs1", Type: "privatecloud-vsphere-datasource", JSONData: raw, DecryptedSecureJSONData: map[string]string{"vcenterPassword": "pw"}}
	s, err := models.LoadSettings(src)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := src.HTTPClientOptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.HTTPClientOptions = &opts
	c, err := vcenter.New(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CheckSession(ctx); err != nil {
		t.Fatalf("session check through the secure socks proxy: %v", err)
	}
	socks.mu.Lock()
	defer socks.mu.Unlock()
	if len(socks.connects) == 0 || socks.connects[0] != "vcenter."+pdcDomain+":80" {
		t.Fatalf("the secure socks proxy saw %v", socks.connects)
	}
}

// redirectPair is an upstream that redirects every request to another host, and that other host,
// which records anything that reaches it.
type redirectPair struct {
	origin  *httptest.Server
	other   *httptest.Server
	target  string
	mu      sync.Mutex
	leaked  []string
	session string
}

func newRedirectPair(t *testing.T, status int, except func(w http.ResponseWriter, r *http.Request) bool) *redirectPair {
	t.Helper()
	p := &redirectPair{}
	p.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.leaked = append(p.leaked, fmt.Sprintf("%s %s headers=%v body=%s", r.Method, r.URL, r.Header, body))
		p.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(p.other.Close)
	// Another host: the same listener under the name "localhost", while the origin is 127.0.0.1.
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(p.other.URL, "http://"))
	p.target = "http://localhost:" + port + "/collect"
	p.origin = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if except != nil && except(w, r) {
			return
		}
		http.Redirect(w, r, p.target+"?token=secret", status)
	}))
	t.Cleanup(p.origin.Close)
	return p
}

func (p *redirectPair) assertRefused(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("the redirect was followed without an error")
	}
	if !errors.Is(err, models.ErrUpstream) {
		t.Fatalf("error is not an upstream error: %v", err)
	}
	if !strings.Contains(err.Error(), "redirect") || !strings.Contains(err.Error(), "http://localhost:") || !strings.Contains(err.Error(), "/collect") {
		t.Fatalf("error does not name the redirect target: %v", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Fatalf("error shows the target's query: %v", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.leaked) != 0 {
		t.Fatalf("requests reached the other host: %v", p.leaked)
	}
}

func TestVCenterRedirectAfterLoginIsRefused(t *testing.T) {
	// Login works; the next request is answered 302 to another host (the session id would follow).
	p := newRedirectPair(t, http.StatusFound, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPost && r.URL.Path == "/api/session" {
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `"0123456789abcdef0123456789abcdef"`)
			return true
		}
		return false
	})
	s := grafanaSettings(t, map[string]any{"vcenterUrl": p.origin.URL, "vcenterUser": "monitor"}, map[string]string{"vcenterPassword": "pw"})
	c, err := vcenter.New(s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CheckSession(context.Background())
	p.assertRefused(t, err)
}

func TestVROpsLoginRedirect307IsRefused(t *testing.T) {
	// A 307 would make Go post the user name and password again to the other host.
	p := newRedirectPair(t, http.StatusTemporaryRedirect, nil)
	s := grafanaSettings(t, map[string]any{"vcenterUrl": "http://127.0.0.1:1", "vcenterUser": "u", "vropsUrl": p.origin.URL, "vropsUser": "admin"},
		map[string]string{"vcenterPassword": "pw", "vropsPassword": "vrops-secret"})
	c, err := vrops.New(s)
	if err != nil {
		t.Fatal(err)
	}
	p.assertRefused(t, c.Ping(context.Background()))
}

func TestRelayRedirectIsRefused(t *testing.T) {
	p := newRedirectPair(t, http.StatusTemporaryRedirect, nil)
	s := grafanaSettings(t, map[string]any{"vcenterUrl": "http://127.0.0.1:1", "vcenterUser": "u", "relayUrl": p.origin.URL},
		map[string]string{"vcenterPassword": "pw", "relayToken": "relay-token-0123456789abcdef0123456789"})
	c, err := relay.New(s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListAudit(context.Background(), nil)
	p.assertRefused(t, err)
}

// selfSigned is a TLS upstream with its own CA and the CA's PEM.
func selfSigned(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	cert := srv.Certificate()
	return srv, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
}

func TestTLSRulesOverGrafanaOptions(t *testing.T) {
	srv, caPEM := selfSigned(t)
	base := map[string]any{"vcenterUrl": srv.URL, "vcenterUser": "u"}
	cases := []struct {
		name    string
		json    map[string]any
		secure  map[string]string
		wantErr string
	}{
		{"verify by default", base, map[string]string{"vcenterPassword": "pw"}, "certificate"},
		// Grafana's own TLS keys (tlsAuthWithCACert/tlsCACert) do not replace the project's settings.
		{"Grafana's CA keys are not ours", merge(base, map[string]any{"tlsAuthWithCACert": true}), map[string]string{"vcenterPassword": "pw", "tlsCACert": caPEM}, "certificate"},
		{"custom CA", base, map[string]string{"vcenterPassword": "pw", "tlsCaCert": caPEM}, ""},
		{"skip only when asked", merge(base, map[string]any{"tlsSkipVerify": true}), map[string]string{"vcenterPassword": "pw"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hc, err := upstream.NewHTTPClient(grafanaSettings(t, tc.json, tc.secure))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Get(srv.URL)
			if resp != nil {
				resp.Body.Close()
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("want success, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want an error about %q, got %v", tc.wantErr, err)
			}
			var uaErr x509.UnknownAuthorityError
			var certErr *tls.CertificateVerificationError
			if !errors.As(err, &uaErr) && !errors.As(err, &certErr) {
				t.Fatalf("want a verification error, got %T %v", err, err)
			}
		})
	}
}

func TestBadCAIsASettingsError(t *testing.T) {
	s := grafanaSettings(t, map[string]any{"vcenterUrl": "https://vc.example", "vcenterUser": "u"}, map[string]string{"vcenterPassword": "pw"})
	s.Secrets.TLSCACert = "not a certificate"
	if _, err := upstream.NewHTTPClient(s); !errors.Is(err, models.ErrInvalidSettings) {
		t.Fatalf("want ErrInvalidSettings, got %v", err)
	}
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
