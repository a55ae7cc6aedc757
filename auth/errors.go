package auth

import (
	"errors"
	"fmt"
	"net/http"
)

// LoginError is a failed login to a registry. Its message names the
// registry, the identity source and the HTTP status, never a secret.
type LoginError struct {
	// Registry is the login server.
	Registry string
	// Source is what tried to log in: "username/password", "Key Vault
	// (identity X)", or the identity source such as "managed identity (App
	// Service)" or "the default credential chain".
	Source string
	// StatusCode is the HTTP status of the failing answer, 0 if none.
	StatusCode int
	// Attempts is how many times the login was tried.
	Attempts int
	// Err is the last attempt's error.
	Err error
}

// Error implements error.
func (e *LoginError) Error() string {
	msg := fmt.Sprintf("log in to %s with %s", e.Registry, e.Source)
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(" failed with HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	} else {
		msg += " failed"
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *LoginError) Unwrap() error { return e.Err }

// newLoginError fills Source and StatusCode from what err carries.
func newLoginError(registry, source string, attempts int, err error) *LoginError {
	le := &LoginError{Registry: registry, Source: source, Attempts: attempts, Err: err}
	var ie *IdentityError
	if errors.As(err, &ie) {
		le.Source, le.StatusCode = ie.Source, ie.StatusCode
	}
	var sd *sourcedError
	if errors.As(err, &sd) {
		le.Source = sd.source
	}
	var se *StatusError
	if errors.As(err, &se) {
		le.StatusCode = se.StatusCode
	}
	return le
}

// sourcedError is an error after the identity source produced a token, such
// as a refused exchange; it carries the source's name for LoginError.
type sourcedError struct {
	source string
	err    error
}

func (e *sourcedError) Error() string { return e.err.Error() }
func (e *sourcedError) Unwrap() error { return e.err }
