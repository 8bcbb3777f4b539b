package upstream

import (
	"context"
	"testing"
	"time"
)

func TestRetryPause(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name        string
		attempt     int
		left        time.Duration
		hasDeadline bool
		wait        time.Duration
		ok          bool
	}{
		{"first retry, no deadline", 1, 0, false, 200 * ms, true},
		{"back-off doubles", 2, 0, false, 400 * ms, true},
		{"last retry before the cap", 3, 0, false, 800 * ms, true},
		{"attempts used up", 4, 0, false, 0, false},
		{"past the cap", 5, time.Hour, true, 0, false},
		{"room for the pause and an attempt", 1, 300 * ms, true, 200 * ms, true},
		{"room for the pause only", 1, 299 * ms, true, 0, false},
		{"less than the pause", 2, 250 * ms, true, 0, false},
		{"deadline passed", 1, -time.Second, true, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wait, ok := RetryPause(tc.attempt, 4, tc.left, tc.hasDeadline)
			if wait != tc.wait || ok != tc.ok {
				t.Fatalf("RetryPause(%d, 4, %v, %v) = %v, %v; want %v, %v", tc.attempt, tc.left, tc.hasDeadline, wait, ok, tc.wait, tc.ok)
			}
		})
	}
}

func TestRetryWaitNeverAfterTheContextEnded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if RetryWait(ctx, 1, 4) {
		t.Fatal("retry after the caller gave up")
	}
}
