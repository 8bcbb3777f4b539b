package upstream

import (
	"context"
	"time"
)

// MinAttemptTime is the least time left before the caller's deadline for which another attempt
// is worth starting after the back-off pause.
const MinAttemptTime = 100 * time.Millisecond

// RetryPause answers the pause before retry attempt+1 of an idempotent read (attempts count from
// 1) and whether to retry at all: not after maxAttempts attempts, and never past the caller's
// deadline (a query's total budget, docs/contracts.md §2), so a retry that could not finish in
// time is not started and the caller gets the upstream's own error instead of a bare timeout.
// left is the time until the deadline; hasDeadline is false when there is none.
func RetryPause(attempt, maxAttempts int, left time.Duration, hasDeadline bool) (time.Duration, bool) {
	if attempt >= maxAttempts {
		return 0, false
	}
	wait := Backoff(attempt)
	if hasDeadline && left < wait+MinAttemptTime {
		return 0, false
	}
	return wait, true
}

// RetryWait pauses before retry attempt+1 as RetryPause says, and reports whether to retry
// (never once ctx has ended: Sleep returns at once then, or as soon as it ends during the pause).
func RetryWait(ctx context.Context, attempt, maxAttempts int) bool {
	var left time.Duration
	dl, hasDeadline := ctx.Deadline()
	if hasDeadline {
		left = time.Until(dl)
	}
	wait, ok := RetryPause(attempt, maxAttempts, left, hasDeadline)
	return ok && Sleep(ctx, wait) == nil
}
