// Package replay serves recorded upstream (simulator) responses over httptest so that tests run
// the real vCenter and vROps clients against real HTTP. A recording is a JSON list of exchanges,
// matched by method, path and canonical query string.
package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Exchange is one recorded request and its answer.
type Exchange struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query,omitempty"`
	// Request is the canonical JSON request body; when set, it is part of the match, so two
	// POSTs to the same path (stats for VMs, stats for hosts) replay their own answers.
	Request json.RawMessage `json:"request,omitempty"`
	Status  int             `json:"status"`
	Body    json.RawMessage `json:"body,omitempty"`
	// Text is a body that is not JSON (answered as text/plain).
	Text string `json:"text,omitempty"`
}

// Server replays a recording and counts what was asked.
type Server struct {
	*httptest.Server
	mu        sync.Mutex
	exchanges map[string]Exchange
	// Calls counts requests per "METHOD path?query".
	Calls map[string]int
	// Unmatched lists requests that had no recording (a test should assert it is empty).
	Unmatched []string
}

// Canonical sorts query parameters so that map iteration order in clients does not matter.
func Canonical(raw string) string {
	v, _ := url.ParseQuery(raw)
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), v[k]...)
		sort.Strings(vals)
		for _, x := range vals {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(x))
		}
	}
	return strings.Join(parts, "&")
}

func key(method, path, query string) string {
	k := method + " " + path
	if q := Canonical(query); q != "" {
		k += "?" + q
	}
	return k
}

// CanonicalJSON re-encodes a JSON body with sorted keys; non-JSON bodies give "".
func CanonicalJSON(b []byte) string {
	var v any
	if len(bytes.TrimSpace(b)) == 0 || json.Unmarshal(b, &v) != nil {
		return ""
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// Load reads a recording file.
func Load(path string) ([]Exchange, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ex []Exchange
	if err := json.Unmarshal(raw, &ex); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}

// New starts a replay server for the given recordings.
func New(recordings ...[]Exchange) *Server {
	s := newServer(recordings)
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// NewTLS starts the replay server on HTTPS with httptest's self-signed certificate.
func NewTLS(recordings ...[]Exchange) *Server {
	s := newServer(recordings)
	s.Server = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	return s
}

func newServer(recordings [][]Exchange) *Server {
	s := &Server{exchanges: map[string]Exchange{}, Calls: map[string]int{}}
	for _, rec := range recordings {
		for _, e := range rec {
			k := key(e.Method, e.Path, e.Query)
			if len(e.Request) > 0 {
				k += " " + CanonicalJSON(e.Request)
			}
			s.exchanges[k] = e
		}
	}
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	k := key(r.Method, r.URL.Path, r.URL.RawQuery)
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.Calls[k]++
	e, ok := s.exchanges[k+" "+CanonicalJSON(body)]
	if !ok {
		e, ok = s.exchanges[k]
	}
	if !ok {
		s.Unmatched = append(s.Unmatched, k)
	}
	s.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error_type":"NOT_FOUND","messages":[{"id":"replay.unrecorded","default_message":"no recording for ` + k + `","args":[]}]}`))
		return
	}
	if e.Text != "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(e.Status)
		_, _ = w.Write([]byte(e.Text))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	if len(e.Body) > 0 {
		_, _ = w.Write(e.Body)
	}
}

// CallCount returns the number of requests to one "METHOD path" regardless of query.
func (s *Server) CallCount(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, c := range s.Calls {
		if k == prefix || strings.HasPrefix(k, prefix+"?") {
			n += c
		}
	}
	return n
}

// Serve loads the recordings at paths and serves them until the test ends; a recording that
// cannot be loaded fails the test.
func Serve(t testing.TB, paths ...string) *Server {
	t.Helper()
	recs := make([][]Exchange, 0, len(paths))
	for _, p := range paths {
		r, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	s := New(recs...)
	t.Cleanup(s.Close)
	return s
}
