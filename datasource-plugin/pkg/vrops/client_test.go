package vrops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/privatecloud/vsphere/pkg/models"
)

type fakeOps struct {
	acquires atomic.Int64
	mu       sync.Mutex
	valid    map[string]bool
	bodies   []map[string]any
}

func (f *fakeOps) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/suite-api/api/auth/token/acquire" {
		var b map[string]string
		_ = json.NewDecoder(r.Body).Decode(&b)
		if b["password"] != "pw" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"message":"Authentication failed","httpStatusCode":401}`)
			return
		}
		n := f.acquires.Add(1)
		tok := fmt.Sprintf("t%d", n)
		f.mu.Lock()
		f.valid[tok] = true
		f.mu.Unlock()
		fmt.Fprintf(w, `{"token":%q,"validity":1}`, tok)
		return
	}
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "vRealizeOpsToken ")
	f.mu.Lock()
	ok := f.valid[tok]
	f.mu.Unlock()
	if !ok {
		w.WriteHeader(401)
		fmt.Fprint(w, `{"message":"The provided token for auth scheme \"vRealizeOpsToken\" is either invalid or has expired.","httpStatusCode":401,"apiErrorCode":1512}`)
		return
	}
	if r.URL.Path == "/suite-api/api/resources/stats/query" {
		var b map[string]any
		_ = json.NewDecoder(r.Body).Decode(&b)
		f.mu.Lock()
		f.bodies = append(f.bodies, b)
		f.mu.Unlock()
		fmt.Fprint(w, `{"values":[{"resourceId":"r1","stat-list":{"stat":[{"timestamps":[2,1],"statKey":{"key":"cpu|usage_average"},"data":[20,10],"unknownField":true}]}}]}`)
		return
	}
	w.WriteHeader(404)
	fmt.Fprint(w, `{"message":"Not found"}`)
}

func setup(t *testing.T, pw string) (*fakeOps, *Client) {
	f := &fakeOps{valid: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, NewWithHTTPClient(srv.URL+"/suite-api", "admin", pw, "", srv.Client())
}

func TestTokenSharedAndRenewedOnce(t *testing.T) {
	f, c := setup(t, "pw")
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.QueryStats(context.Background(), StatsQuery{ResourceID: []string{"r1"}, StatKey: []string{"cpu|usage_average"}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := f.acquires.Load(); n != 1 {
		t.Fatalf("acquires = %d, want 1", n)
	}
	f.mu.Lock()
	f.valid = map[string]bool{}
	f.mu.Unlock()
	vals, err := c.QueryStats(context.Background(), StatsQuery{ResourceID: []string{"r1"}, StatKey: []string{"cpu|usage_average"}, RollUpType: "AVG", IntervalType: "HOURS", IntervalQuantifier: 1})
	if err != nil {
		t.Fatal(err)
	}
	if f.acquires.Load() != 2 || len(vals) != 1 || vals[0].StatList.Stat[0].Data[0] != 20 {
		t.Fatalf("acquires %d vals %+v", f.acquires.Load(), vals)
	}
	last := f.bodies[len(f.bodies)-1]
	if last["intervalType"] != "HOURS" || last["rollUpType"] != "AVG" || last["resourceId"].([]any)[0] != "r1" {
		t.Fatalf("stats body %v", last)
	}
}

func TestBadPasswordAndNotFoundAreTyped(t *testing.T) {
	_, c := setup(t, "nope")
	_, err := c.QueryStats(context.Background(), StatsQuery{})
	if !errors.Is(err, models.ErrBadCredentials) || !strings.Contains(err.Error(), "vROps refused the login") {
		t.Fatalf("err = %v", err)
	}
	_, c = setup(t, "pw")
	_, err = c.Version(context.Background())
	if !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}
