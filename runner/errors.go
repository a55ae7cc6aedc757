package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/acb-dev/acb/secrets"
)

// ErrEngine wraps infrastructure failures: the engine could not create,
// copy, run or remove something acb needed outside of a step's own work.
// The CLI maps it to its own exit code.
var ErrEngine = errors.New("engine error")

// ErrInput wraps invalid input: a bad option, an unusable source context,
// a step acb refuses to run (e.g. one that needs a host shell), a task file
// that cannot be read, rendered or parsed (those also carry
// graph.Diagnostics when the problem has a position).
var ErrInput = errors.New("invalid input")

// ErrNetwork wraps network failures outside steps, such as downloading a
// source context. The CLI maps it to the same exit code as ErrEngine.
var ErrNetwork = errors.New("network error")

// StepError is a step's failure: the task failed.
type StepError struct {
	StepID string
	Err    error
}

// Error formats the error as acr-builder does:
// "failed to run step ID: X: <err>", with a deadline shown as "timed out".
func (e *StepError) Error() string {
	return fmt.Sprintf("failed to run step ID: %s: %s", e.StepID, errText(e.Err))
}

// Unwrap returns the step's error.
func (e *StepError) Unwrap() error { return e.Err }

// ExitError is a container's non-zero exit.
type ExitError struct {
	Code int
}

// Error returns "exit status N", like acr-builder.
func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// errText renders an error, showing a context deadline as "timed out".
func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return strings.ReplaceAll(err.Error(), context.DeadlineExceeded.Error(), "timed out")
	}
	return err.Error()
}

// engineErr wraps err as an infrastructure error.
func engineErr(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrEngine, what, err)
}

// inputErr builds an input error; format may use %w.
func inputErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInput}, a...)...)
}

// networkErr builds a network error; format may use %w.
func networkErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNetwork}, a...)...)
}

// kindError adds a kind to an error's chain without changing its text.
type kindError struct {
	kind error
	err  error
}

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.err, e.kind} }

// asInput marks a load error as ErrInput, keeping its text, unless it
// already has a kind: a Key Vault failure stays what it is.
func asInput(err error) error {
	if err == nil || errors.Is(err, ErrInput) || errors.Is(err, ErrNetwork) || secrets.Unavailable(err) {
		return err
	}
	return &kindError{kind: ErrInput, err: err}
}
