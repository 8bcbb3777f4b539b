package vrops

import (
	"context"
	"time"

	"github.com/privatecloud/vsphere/pkg/upstream"
)

// minAttemptTime is the least time left before the caller's deadline for which another attempt
// is worth starting after the back-off pause.
const minAttemptTime = 100 * time.Millisecond

// retryWait pauses before retry attempt+1 and reports whether to retry: never past the caller's
// deadline (a query's total budget, docs/contracts.md §2), so a retry that could not finish in
// time is not started and the caller gets the upstream's own error instead of a bare timeout.
func retryWait(ctx context.Context, attempt int) bool {
	if ctx.Err() != nil || attempt >= maxAttempts {
		return false
	}
	wait := upstream.Backoff(attempt)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait+minAttemptTime {
		return false
	}
	return upstream.Sleep(ctx, wait) == nil
}
