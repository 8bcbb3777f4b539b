package upstream

import (
	"net/http"

	"github.com/privatecloud/vsphere/pkg/models"
)

// StatusKind is the typed kind of an upstream's HTTP error status that vCenter and vROps share:
// 401 bad credentials, 403 forbidden, 404 not found, anything else an upstream failure. Each
// client checks what its own error body says first (VMware error types, vROps validation).
func StatusKind(status int) error {
	switch status {
	case http.StatusUnauthorized:
		return models.ErrBadCredentials
	case http.StatusForbidden:
		return models.ErrForbidden
	case http.StatusNotFound:
		return models.ErrNotFound
	}
	return models.ErrUpstream
}
