package secrets

import (
	"errors"
	"fmt"
	"strings"
)

// The kinds of resolution failure. A *SecretError wraps exactly one of them
// (or context.Canceled when the caller gave up), so callers branch with
// errors.Is, also through a *ResolveError.
var (
	// ErrBadURL: the Key Vault secret URL is missing or malformed.
	ErrBadURL = errors.New("invalid Key Vault secret URL")
	// ErrForbidden: the identity lacks "get" permission on the vault's
	// secrets (HTTP 403).
	ErrForbidden = errors.New("permission denied")
	// ErrNotFound: the vault has no such secret or version (HTTP 404).
	ErrNotFound = errors.New("secret not found")
	// ErrUnreachable: the vault did not answer (network error).
	ErrUnreachable = errors.New("vault unreachable")
	// ErrTimeout: the lookup took longer than its timeout.
	ErrTimeout = errors.New("timed out")
	// ErrIdentity: no token could be obtained for the identity, or the
	// vault rejected it (HTTP 401).
	ErrIdentity = errors.New("identity failure")
	// ErrVault: the vault answered with another unexpected status.
	ErrVault = errors.New("unexpected vault response")
	// ErrMissing: no local value for the secret, and Key Vault was not to
	// be asked (offline mode).
	ErrMissing = errors.New("no local value")
)

// SecretError explains why one secret could not be resolved. Its message
// never contains a secret value or a token: the vault's own wording is
// included only after masking every value and token seen so far.
type SecretError struct {
	// ID is the secret's id in the task ("" for a single lookup, as with
	// KeyVault.GetSecret).
	ID string
	// URL is the secret's Key Vault URL, if any.
	URL string
	// Kind is one of the Err* values of this package, or context.Canceled.
	Kind error
	// Detail is the human explanation, safe to print.
	Detail string
	// Err is the underlying error, if any. Its own text is not part of
	// Error: it can be long and carry raw responses.
	Err error
}

// Error returns `secret "id" (url): detail`.
func (e *SecretError) Error() string {
	var b strings.Builder
	switch {
	case e.ID != "":
		fmt.Fprintf(&b, "secret %q", e.ID)
		if e.URL != "" {
			fmt.Fprintf(&b, " (%s)", e.URL)
		}
	case e.URL != "":
		fmt.Fprintf(&b, "Key Vault secret %s", e.URL)
	default:
		b.WriteString("secret")
	}
	b.WriteString(": ")
	if e.Detail != "" {
		b.WriteString(e.Detail)
	} else if e.Kind != nil {
		b.WriteString(e.Kind.Error())
	}
	return b.String()
}

// Unwrap returns the kind and the underlying error.
func (e *SecretError) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// ResolveError lists every secret a Resolve call could not resolve, in the
// order of the refs given to it.
type ResolveError struct {
	// Errors holds one entry per unresolved secret.
	Errors []*SecretError
}

// Error returns one line per unresolved secret after a summary line.
func (e *ResolveError) Error() string {
	if len(e.Errors) == 1 {
		return "unable to resolve " + e.Errors[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "unable to resolve %d secrets:", len(e.Errors))
	for _, se := range e.Errors {
		b.WriteString("\n  - ")
		b.WriteString(se.Error())
	}
	return b.String()
}

// Unwrap returns the per-secret errors.
func (e *ResolveError) Unwrap() []error {
	errs := make([]error, len(e.Errors))
	for i, se := range e.Errors {
		errs[i] = se
	}
	return errs
}

// resolveErr returns nil for no errors, else a *ResolveError.
func resolveErr(errs []*SecretError) error {
	if len(errs) == 0 {
		return nil
	}
	return &ResolveError{Errors: errs}
}

// Unavailable reports whether err says Key Vault, or the identity reading
// it, failed or refused (unreachable, timed out, no token, HTTP 401, 403,
// 404 or another unexpected answer), as opposed to bad input (ErrBadURL,
// ErrMissing). acb exits with the same code for every Unavailable error,
// whether a task secret or a registry credential needed the vault.
func Unavailable(err error) bool {
	for _, kind := range []error{ErrUnreachable, ErrTimeout, ErrIdentity, ErrVault, ErrForbidden, ErrNotFound} {
		if errors.Is(err, kind) {
			return true
		}
	}
	return false
}
