package relay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type putBody struct {
	VCenter    string      `json:"vcenter"`
	Placements []Placement `json:"placements"`
}

// fakeRelay records PUT /internal/placements bodies and answers `status`.
type fakeRelay struct {
	mu     sync.Mutex
	bodies []putBody
	auth   []string
	status int
}

func (f *fakeRelay) serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || r.URL.Path != "/internal/placements" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("unexpected call %s %s", r.Method, r.URL.Path)
		}
		var b putBody
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			t.Errorf("body: %v", err)
		}
		f.mu.Lock()
		f.bodies = append(f.bodies, b)
		f.auth = append(f.auth, r.Header.Get("Authorization"))
		status := f.status
		f.mu.Unlock()
		if status >= 400 {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"error":"x","message":"relay says no"}`))
			return
		}
		_, _ = fmt.Fprintf(w, `{"stored":%d}`, len(b.Placements))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestPutPlacementsSendsBatchesWithTheToken(t *testing.T) {
	f := &fakeRelay{status: 200}
	srv := f.serve(t)
	c := NewWithHTTPClient(srv.URL, "tok-1", srv.Client())
	ps := make([]Placement, PlacementBatch+2)
	// Short names: the count bounds the calls.
	for i := range ps {
		ps[i] = Placement{VMID: fmt.Sprintf("vm-%d", i), VM: fmt.Sprintf("web-%d", i), Host: "esx-01.lab", Cluster: "Cluster-A"}
	}
	if err := c.PutPlacements(context.Background(), "vc01.example.com", ps); err != nil {
		t.Fatal(err)
	}
	if len(f.bodies) != 2 || len(f.bodies[0].Placements) != PlacementBatch || len(f.bodies[1].Placements) != 2 {
		t.Fatalf("batches %d", len(f.bodies))
	}
	for i, b := range f.bodies {
		if b.VCenter != "vc01.example.com" || f.auth[i] != "Bearer tok-1" {
			t.Fatalf("call %d: vcenter %q auth %q", i, b.VCenter, f.auth[i])
		}
	}
	if got := f.bodies[1].Placements[1]; got != ps[len(ps)-1] {
		t.Fatalf("last placement %+v, want %+v", got, ps[len(ps)-1])
	}
	// Long names: batches stay within the relay's body limit, and nothing is lost.
	f.bodies, f.auth = nil, nil
	long := strings.Repeat("x", 250)
	for i := range ps {
		ps[i].VM, ps[i].Host, ps[i].Cluster = long+ps[i].VMID, long, long
	}
	if err := c.PutPlacements(context.Background(), "vc", ps); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, b := range f.bodies {
		raw, _ := json.Marshal(b)
		if len(raw) > 4<<20 {
			t.Fatalf("a call of %d bytes exceeds the relay's 4 MiB", len(raw))
		}
		total += len(b.Placements)
	}
	if len(f.bodies) < 2 || total != len(ps) || f.bodies[len(f.bodies)-1].Placements[len(f.bodies[len(f.bodies)-1].Placements)-1].VMID != ps[len(ps)-1].VMID {
		t.Fatalf("%d calls carrying %d of %d placements", len(f.bodies), total, len(ps))
	}
	// The JSON field names are the contract's (docs/contracts.md §5).
	raw, _ := json.Marshal(Placement{VMID: "vm-0", VM: "web-0", Host: "esx-01.lab", Cluster: "Cluster-A"})
	if string(raw) != `{"vmId":"vm-0","vm":"web-0","host":"esx-01.lab","cluster":"Cluster-A"}` {
		t.Fatalf("wire form %s", raw)
	}
}

// TestPusherDeliversInOrderAndLogsFailures: pushes go out in the order offered; a relay error is
// logged (with the relay's message) and does not stop later pushes; only what the relay stored is
// confirmed.
func TestPusherDeliversInOrderAndLogsFailures(t *testing.T) {
	f := &fakeRelay{status: 500}
	srv := f.serve(t)
	var mu sync.Mutex
	var logs []string
	p := NewPlacementPusher(NewWithHTTPClient(srv.URL, "tok", srv.Client()), "vc", func(msg string, args ...any) {
		mu.Lock()
		logs = append(logs, fmt.Sprint(append([]any{msg}, args...)...))
		mu.Unlock()
	})
	defer p.Close()
	var confirmed []string
	confirm := func(host string) func() {
		return func() { mu.Lock(); confirmed = append(confirmed, host); mu.Unlock() }
	}
	p.Offer([]Placement{{VMID: "vm-1", VM: "a", Host: "h1"}}, confirm("h1"))
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(logs) == 1 })
	if !strings.Contains(logs[0], "relay says no") {
		t.Fatalf("log %q", logs[0])
	}
	f.mu.Lock()
	f.status = 200
	f.mu.Unlock()
	p.Offer(nil, confirm("none")) // nothing to say: no call
	p.Offer([]Placement{{VMID: "vm-1", VM: "a", Host: "h2"}}, confirm("h2"))
	p.Offer([]Placement{{VMID: "vm-1", VM: "a", Host: "h3"}}, nil)
	waitFor(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.bodies) == 3 })
	if h := []string{f.bodies[1].Placements[0].Host, f.bodies[2].Placements[0].Host}; h[0] != "h2" || h[1] != "h3" {
		t.Fatalf("order %v", h)
	}
	// Pushes go one at a time: h2's confirmation came before the h3 call arrived.
	mu.Lock()
	defer mu.Unlock()
	if len(logs) != 1 {
		t.Fatalf("logs %v", logs)
	}
	// The refused push and the empty offer are never confirmed; the stored one is.
	if len(confirmed) != 1 || confirmed[0] != "h2" {
		t.Fatalf("confirmed %v, want [h2]", confirmed)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("condition not reached")
}
