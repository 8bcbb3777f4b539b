package replay

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
)

// Recorder is an http.RoundTripper that records every exchange it forwards.
type Recorder struct {
	Next http.RoundTripper
	mu   sync.Mutex
	ex   map[string]Exchange
}

// RoundTrip forwards and records.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := r.Next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	e := Exchange{Method: req.Method, Path: req.URL.Path, Query: Canonical(req.URL.RawQuery), Status: resp.StatusCode}
	k := key(e.Method, e.Path, e.Query)
	// Bodies of token requests carry the password: never recorded, and not needed to match.
	if c := CanonicalJSON(reqBody); c != "" && !strings.Contains(e.Path, "token/acquire") {
		e.Request = json.RawMessage(c)
		k += " " + c
	}
	if len(bytes.TrimSpace(body)) > 0 && json.Valid(body) {
		e.Body = json.RawMessage(body)
	} else if len(body) > 0 {
		e.Text = string(body)
	}
	r.mu.Lock()
	if r.ex == nil {
		r.ex = map[string]Exchange{}
	}
	r.ex[k] = e
	r.mu.Unlock()
	return resp, nil
}

// Save writes the exchanges whose path starts with prefix, sorted, to a file.
func (r *Recorder) Save(path, prefix string) error {
	r.mu.Lock()
	var out []Exchange
	for _, e := range r.ex {
		if strings.HasPrefix(e.Path, prefix) {
			out = append(out, e)
		}
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		return key(out[i].Method, out[i].Path, out[i].Query) < key(out[j].Method, out[j].Path, out[j].Query)
	})
	raw, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

// Case is one recorded query a golden test replays.
type Case struct {
	Name      string         `json:"name"`
	QueryType string         `json:"queryType"`
	Model     map[string]any `json:"model"`
	From      string         `json:"from"`
	To        string         `json:"to"`
}
