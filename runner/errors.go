package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/acb-dev/acb/runner/fault"
)

// The failure kinds of package fault, under the names the executor's
// callers know: the same values, so errors.Is matches either name.
var (
	ErrInput   = fault.ErrInput
	ErrEngine  = fault.ErrEngine
	ErrNetwork = fault.ErrNetwork
)

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

// engineErr wraps err as a fault.ErrEngine error.
func engineErr(what string, err error) error { return fault.Engine(what, err) }

// inputErr builds a fault.ErrInput error; format may use %w.
func inputErr(format string, a ...any) error { return fault.Input(format, a...) }
