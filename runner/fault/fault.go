// Package fault names the kinds of failure the loader, the sources and the
// executor return, so that callers (the CLI's exit codes, importers) branch
// with errors.Is instead of reading messages. Steps fail with
// *runner.StepError; registries with *auth.LoginError; Key Vault with
// errors for which secrets.Unavailable is true; task input with a position
// with graph.Diagnostics.
package fault

import (
	"errors"
	"fmt"

	"github.com/acb-dev/acb/secrets"
)

var (
	// ErrInput wraps invalid input: a bad option, a source context that
	// does not exist, a task file that cannot be read, rendered or parsed, a
	// step acb refuses to run (e.g. one that needs a host shell).
	ErrInput = errors.New("invalid input")
	// ErrEngine wraps infrastructure failures: the engine could not create,
	// copy, run or remove something acb needed outside of a step's own work.
	ErrEngine = errors.New("engine error")
	// ErrNetwork wraps network failures outside steps, such as downloading
	// a source context.
	ErrNetwork = errors.New("network error")
)

// Input builds an ErrInput error: "invalid input: <format>"; format may
// use %w.
func Input(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInput}, a...)...)
}

// Network builds an ErrNetwork error: "network error: <format>"; format
// may use %w.
func Network(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNetwork}, a...)...)
}

// Engine wraps err as an ErrEngine error: "engine error: what: err".
func Engine(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrEngine, what, err)
}

// kindError adds a kind to an error's chain without changing its text.
type kindError struct {
	kind error
	err  error
}

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.err, e.kind} }

// AsInput marks err as ErrInput, keeping its text, unless it already has a
// kind: an unreachable Key Vault (secrets.Unavailable) stays what it is.
func AsInput(err error) error {
	if err == nil || errors.Is(err, ErrInput) || errors.Is(err, ErrNetwork) || errors.Is(err, ErrEngine) || secrets.Unavailable(err) {
		return err
	}
	return &kindError{kind: ErrInput, err: err}
}
