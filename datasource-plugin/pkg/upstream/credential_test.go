package upstream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestCredentialOneLoginForConcurrentCallers(t *testing.T) {
	var c Credential
	var logins atomic.Int32
	release := make(chan struct{})
	create := func(context.Context) (string, error) {
		n := logins.Add(1)
		<-release
		return fmt.Sprintf("tok-%d", n), nil
	}
	var wg sync.WaitGroup
	got := make([]string, 20)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Get(context.Background(), "", create)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		}()
	}
	time.Sleep(20 * time.Millisecond) // let the callers pile up on the single flight
	close(release)
	wg.Wait()
	if logins.Load() != 1 {
		t.Fatalf("logins = %d, want 1", logins.Load())
	}
	for _, v := range got {
		if v != "tok-1" {
			t.Fatalf("a caller got %q, want tok-1", v)
		}
	}
}

func TestCredentialDropsOnlyTheStaleValue(t *testing.T) {
	var c Credential
	n := 0
	create := func(context.Context) (string, error) { n++; return fmt.Sprintf("tok-%d", n), nil }
	ctx := context.Background()
	first, _ := c.Get(ctx, "", create)
	// Another caller already renewed: a late 401 for an older value must not force a new login.
	second, _ := c.Get(ctx, first, create)
	third, _ := c.Get(ctx, "tok-0", create)
	if first != "tok-1" || second != "tok-2" || third != "tok-2" || n != 2 {
		t.Fatalf("got %q %q %q after %d logins", first, second, third, n)
	}
	if v := c.Take(); v != "tok-2" || c.Current() != "" {
		t.Fatalf("Take = %q, Current after = %q", v, c.Current())
	}
}

func TestCredentialLoginErrorIsReturnedAndNothingKept(t *testing.T) {
	var c Credential
	boom := errors.New("refused")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the login runs detached from the caller's cancellation
	_, err := c.Get(ctx, "", func(ctx context.Context) (string, error) {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", boom
	})
	if !errors.Is(err, boom) || c.Current() != "" {
		t.Fatalf("err = %v, current = %q", err, c.Current())
	}
}
