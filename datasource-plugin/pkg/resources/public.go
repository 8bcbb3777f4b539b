package resources

import (
	"regexp"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/privatecloud/vsphere/pkg/models"
)

// urlPattern finds absolute URLs (and host:port addresses after "at") in error texts.
var urlPattern = regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"',;)]+|\bat [0-9a-zA-Z.\-\[\]:]+:[0-9]{2,5}\b`)

// publicMessage is the error text a caller may read: Admins get it whole; everyone else gets it
// without internal addresses (the server log keeps the details; docs/contracts.md §3 "Errors").
func publicMessage(err error, u *backend.User) string {
	msg := err.Error()
	if u != nil && models.Role(u.Role) == models.RoleAdmin {
		return msg
	}
	return urlPattern.ReplaceAllString(msg, "(address hidden)")
}
