package vrops

import (
	"context"
	"testing"

	"github.com/privatecloud/vsphere/pkg/internal/upstreamtest"
)

// apiStatus reads the HTTP status of the client's typed error.
var apiStatus = upstreamtest.StatusOf(func(e *APIError) int { return e.Status })

// A retry never starts when its back-off would outlast the caller's deadline (a query's total
// budget): the caller gets vROps' own 503 error, not a bare timeout. Without a deadline the same
// failure is retried maxAttempts times.
func TestRetriesStopAtTheDeadline(t *testing.T) {
	b := upstreamtest.NewBusy(t, upstreamtest.Login{Path: "/suite-api/api/auth/token/acquire", Body: `{"token":"t1"}`},
		`{"message":"Service is unavailable"}`)
	c := NewWithHTTPClient(b.URL, "u", "pw", "", b.Client())
	queryStats := func(ctx context.Context) error {
		_, err := c.QueryStats(ctx, StatsQuery{ResourceID: []string{"r1"}, StatKey: []string{"cpu|usage_average"}})
		return err
	}
	upstreamtest.RetriesStopAtDeadline(t, b, apiStatus, queryStats)
	upstreamtest.RetriesWithoutDeadline(t, b, maxAttempts, apiStatus, queryStats)
}
