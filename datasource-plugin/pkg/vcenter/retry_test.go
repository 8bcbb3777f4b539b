package vcenter

import (
	"context"
	"testing"

	"github.com/privatecloud/vsphere/pkg/internal/upstreamtest"
)

// apiStatus reads the HTTP status of the client's typed error.
var apiStatus = upstreamtest.StatusOf(func(e *APIError) int { return e.Status })

// Reads stop retrying when the back-off would outlast the caller's deadline (a query's total
// budget): the caller gets vCenter's own 503. Without a deadline a read is tried maxReadAttempts times.
func TestReadRetriesStopAtTheDeadline(t *testing.T) {
	b := upstreamtest.NewBusy(t, upstreamtest.Login{Path: "/api/session", Status: 201, Body: `"session-1"`},
		`{"error_type":"SERVICE_UNAVAILABLE","messages":[{"id":"x","default_message":"busy"}]}`)
	c := NewWithHTTPClient(b.URL, "admin", "pw", b.Client())
	listHosts := func(ctx context.Context) error { _, err := c.ListHosts(ctx, nil); return err }
	upstreamtest.RetriesStopAtDeadline(t, b, apiStatus, listHosts)
	upstreamtest.RetriesWithoutDeadline(t, b, maxReadAttempts, apiStatus, listHosts)
}
