package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrEngine wraps infrastructure failures: the engine could not create,
// copy, run or remove something acb needed outside of a step's own work.
// The CLI maps it to its own exit code.
var ErrEngine = errors.New("engine error")

// ErrInput wraps invalid input: a bad option, an unusable source context,
// a step acb refuses to run (e.g. one that needs a host shell).
var ErrInput = errors.New("invalid input")

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

// inputErr builds an input error.
func inputErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInput, fmt.Sprintf(format, a...))
}
