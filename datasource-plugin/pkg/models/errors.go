package models

import "errors"

// Typed error kinds shared by the clients, the queries and the resource API. Match them with
// errors.Is; the wrapping error carries the sentence a person can act on.
var (
	// ErrUnreachable means the upstream could not be reached at all (DNS, refused, timeout).
	ErrUnreachable = errors.New("upstream unreachable")
	// ErrTLS means the TLS handshake failed (unknown CA, wrong host name).
	ErrTLS = errors.New("TLS verification failed")
	// ErrBadCredentials means the upstream refused the login.
	ErrBadCredentials = errors.New("login refused")
	// ErrForbidden means the upstream account lacks a privilege.
	ErrForbidden = errors.New("insufficient privileges")
	// ErrNotFound means the object does not exist upstream.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the object's state forbids the operation (powered on, already off ...).
	ErrConflict = errors.New("conflict with the current state")
	// ErrInvalidInput means our caller sent something we refuse before calling upstream.
	ErrInvalidInput = errors.New("invalid input")
	// ErrUpstream is any other upstream failure.
	ErrUpstream = errors.New("upstream error")
	// ErrTooMany means vCenter refused a list because it would exceed its result cap.
	ErrTooMany = errors.New("too many results")
	// ErrOutcomeUnknown means a mutation timed out and its effect could not be determined.
	ErrOutcomeUnknown = errors.New("outcome unknown")
	// ErrNotConfigured means an optional upstream (vROps, relay) is not configured.
	ErrNotConfigured = errors.New("not configured")
)
