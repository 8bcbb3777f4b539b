// Package upstream holds what the vCenter, vROps and relay clients share: the HTTP client built
// from the data source's TLS settings, transport error classification and retry back-off.
package upstream

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
	"github.com/privatecloud/vsphere/pkg/models"
)

// NewHTTPClient builds the HTTP client of one upstream (vCenter, vROps, the alert relay) from
// Grafana's own client options for this data source (s.HTTPClientOptions, from the SDK's
// DataSourceInstanceSettings.HTTPClientOptions), so Grafana's proxy settings, the secure socks
// proxy (PDC) and the SDK's middleware apply; see
// https://grafana.com/developers/plugin-tools/how-to-guides/data-source-plugins/add-support-for-pdc
// On top of those options the project's rules hold: the timeout from the settings, TLS
// verification on, the custom CA from the secure settings when given, skip-verify only when the
// setting says so, no Grafana basic auth or SigV4 (each client sends its own login), and
// redirects are never followed (see RedirectError).
func NewHTTPClient(s *models.Settings) (*http.Client, error) {
	opts := httpclient.Options{}
	if s.HTTPClientOptions != nil {
		opts = *s.HTTPClientOptions
	}
	opts.BasicAuth = nil
	opts.SigV4 = nil
	opts.Timeouts = &httpclient.TimeoutOptions{
		Timeout:               s.Timeout(),
		DialTimeout:           10 * time.Second,
		KeepAlive:             30 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		MaxConnsPerHost:       0,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
	}
	tlsOpts, err := tlsOptions(s, opts.TLS)
	if err != nil {
		return nil, err
	}
	opts.TLS = tlsOpts
	hc, err := httpclient.New(opts)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot build the HTTP client from Grafana's options: %v", models.ErrInvalidSettings, err)
	}
	hc.CheckRedirect = refuseRedirect
	return hc, nil
}

// tlsOptions applies the project's TLS settings over Grafana's (which may only raise the minimum
// version, e.g. the pluginsForceTLS13 feature toggle): nil keeps Go's defaults (verify against the
// system roots).
func tlsOptions(s *models.Settings, grafana *httpclient.TLSOptions) (*httpclient.TLSOptions, error) {
	if s.Secrets.TLSCACert != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(s.Secrets.TLSCACert)) {
			return nil, fmt.Errorf("%w: the CA certificate could not be parsed as PEM", models.ErrInvalidSettings)
		}
	}
	var minV, maxV uint16
	if grafana != nil {
		minV, maxV = grafana.MinVersion, grafana.MaxVersion
	}
	if !s.TLSSkipVerify && s.Secrets.TLSCACert == "" && minV == 0 {
		return nil, nil
	}
	if minV < tls.VersionTLS12 {
		minV = tls.VersionTLS12
	}
	return &httpclient.TLSOptions{CACertificate: s.Secrets.TLSCACert, InsecureSkipVerify: s.TLSSkipVerify, MinVersion: minV, MaxVersion: maxV}, nil
}

// RedirectError is an upstream's answer that points elsewhere. Redirects are never followed:
// every request carries a credential (vCenter session id, vROps token or login, relay token) and
// Go's client would send it, or re-post a login body, to the new address.
type RedirectError struct {
	Status int
	Target string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("redirected (HTTP %d) to %s", e.Status, e.Target)
}

func refuseRedirect(req *http.Request, _ []*http.Request) error {
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	return &RedirectError{Status: status, Target: RedirectTarget(req.URL)}
}

// RedirectTarget names where a redirect points without its user info or query, which may carry
// secrets.
func RedirectTarget(u *url.URL) string {
	t := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return t.String()
}

// ClassifyTransport turns a transport-level failure into a typed error with advice.
func ClassifyTransport(product, base string, err error) error {
	var uaErr x509.UnknownAuthorityError
	var hnErr x509.HostnameError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var redirErr *RedirectError
	switch {
	case errors.As(err, &redirErr):
		return fmt.Errorf("%w: %s at %s answered with a redirect (HTTP %d) to %s; redirects are not followed so that credentials never go to another address: set the URL the server redirects to if you trust it", models.ErrUpstream, product, base, redirErr.Status, redirErr.Target)
	case errors.As(err, &uaErr), errors.As(err, &certErr):
		return fmt.Errorf("%w: %s at %s presented a certificate that is not trusted: add its CA certificate (PEM) in the data source settings, or enable skip verification only for testing", models.ErrTLS, product, base)
	case errors.As(err, &hnErr):
		return fmt.Errorf("%w: the certificate of %s does not match the host name in %s: use the name the certificate was issued for", models.ErrTLS, product, base)
	case errors.As(err, &recErr):
		return fmt.Errorf("%w: %s at %s does not speak TLS: check http:// versus https:// in the URL", models.ErrTLS, product, base)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("%w: %s at %s did not answer in time: check that it is up and the timeout setting", models.ErrUnreachable, product, base)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Errorf("%w: the host name in %s URL %s cannot be resolved: check the URL", models.ErrUnreachable, product, base)
	}
	if strings.Contains(err.Error(), "certificate") {
		return fmt.Errorf("%w: %s at %s: certificate problem: %v", models.ErrTLS, product, base, err)
	}
	return fmt.Errorf("%w: cannot reach %s at %s: check the URL and the network (%v)", models.ErrUnreachable, product, base, rootCause(err))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// Backoff returns the pause before retry attempt n (1-based): 200 ms, 400 ms, 800 ms …
func Backoff(n int) time.Duration { return time.Duration(100<<n) * time.Millisecond }

// Sleep waits d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Retryable tells whether an HTTP status is worth retrying for an idempotent read.
func Retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}
