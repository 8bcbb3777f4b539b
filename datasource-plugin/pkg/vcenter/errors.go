package vcenter

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/privatecloud/vsphere/pkg/models"
	"github.com/privatecloud/vsphere/pkg/upstream"
)

// Message is one entry of a VMware vAPI error's message stack.
type Message struct {
	ID             string   `json:"id"`
	DefaultMessage string   `json:"default_message"`
	Args           []string `json:"args"`
}

// APIError is a VMware error body (`{"error_type": …, "messages": […]}`) plus the HTTP status.
type APIError struct {
	Status    int       `json:"-"`
	ErrorType string    `json:"error_type"`
	Messages  []Message `json:"messages"`
	// Op says what we were doing, for the sentence.
	Op string `json:"-"`
}

// Error gives the first message (the failure itself) with the operation.
func (e *APIError) Error() string {
	msg := ""
	if len(e.Messages) > 0 {
		msg = e.Messages[0].DefaultMessage
	}
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	advice := ""
	switch e.ErrorType {
	case "UNAUTHENTICATED":
		advice = ": check the vCenter user and password"
	case "UNAUTHORIZED":
		advice = ": give the vCenter user the missing privilege"
	}
	return fmt.Sprintf("vCenter %s failed (%s): %s%s", e.Op, e.kindName(), strings.TrimSpace(msg), advice)
}

func (e *APIError) kindName() string {
	if e.ErrorType != "" {
		return e.ErrorType
	}
	return fmt.Sprintf("HTTP %d", e.Status)
}

// HasMessageID reports whether any message in the stack has the given id suffix.
func (e *APIError) HasMessageID(suffix string) bool {
	for _, m := range e.Messages {
		if strings.HasSuffix(m.ID, suffix) {
			return true
		}
	}
	return false
}

// Unwrap maps the VMware error type (tolerating unknown ones) to our typed kinds.
func (e *APIError) Unwrap() error {
	switch e.ErrorType {
	case "UNAUTHENTICATED":
		return models.ErrBadCredentials
	case "UNAUTHORIZED":
		return models.ErrForbidden
	case "NOT_FOUND":
		return models.ErrNotFound
	case "ALREADY_IN_DESIRED_STATE", "NOT_ALLOWED_IN_CURRENT_STATE", "ALREADY_EXISTS", "RESOURCE_IN_USE", "CONCURRENT_CHANGE", "RESOURCE_BUSY":
		return models.ErrConflict
	case "INVALID_ARGUMENT", "INVALID_REQUEST", "UNSUPPORTED", "INVALID_ELEMENT_CONFIGURATION", "INVALID_ELEMENT_TYPE", "UNEXPECTED_INPUT":
		return models.ErrInvalidInput
	case "UNABLE_TO_ALLOCATE_RESOURCE":
		if e.HasMessageID("too_many_matches") {
			return models.ErrTooMany
		}
	}
	return upstream.StatusKind(e.Status)
}
