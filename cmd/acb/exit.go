package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"

	"github.com/acb-dev/acb/auth"
	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner"
	"github.com/acb-dev/acb/secrets"
)

// Exit codes, documented in the README. exitCode is the one place that
// maps errors to them.
const (
	exitOK      = 0   // the task ran and succeeded, or the command succeeded
	exitFailed  = 1   // the task ran and a step failed (or the run timed out)
	exitInput   = 2   // invalid input: task file, values, flags, command line
	exitInfra   = 3   // the engine, a registry, the network or Key Vault failed
	exitSIGINT  = 130 // interrupted: 128 + SIGINT
	exitSIGTERM = 143 // terminated: 128 + SIGTERM
)

// exitCode maps the error a command returned to acb's exit code. ctx is
// the command's context: when a signal cancelled it (see interrupted), a
// failed command exits 128 + the signal's number.
func exitCode(ctx context.Context, err error) int {
	if err == nil {
		return exitOK
	}
	var sig *interrupted
	if errors.As(context.Cause(ctx), &sig) {
		return 128 + int(sig.signal)
	}
	var coded *codedError
	var usage *usageError
	var step *runner.StepError
	var login *auth.LoginError
	switch {
	case errors.As(err, &coded):
		return coded.code
	case errors.As(err, &usage):
		return exitInput
	case secrets.Unavailable(err):
		return exitInfra
	case isInput(err):
		return exitInput
	case errors.As(err, &step):
		return exitFailed
	case errors.Is(err, runner.ErrEngine), errors.Is(err, runner.ErrNetwork),
		errors.Is(err, runner.ErrLogin), errors.As(err, &login), errors.Is(err, errInfra):
		return exitInfra
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return exitFailed
	}
	return exitInfra // an unexpected failure of something other than the task
}

// isInput reports whether err is about what the user gave acb.
func isInput(err error) bool {
	var diags graph.Diagnostics
	var diag graph.Diagnostic
	return errors.Is(err, runner.ErrInput) || errors.Is(err, errInput) ||
		errors.As(err, &diags) || errors.As(err, &diag) ||
		errors.Is(err, secrets.ErrMissing) || errors.Is(err, secrets.ErrBadURL)
}

// The CLI's own error kinds, for what it checks itself.
var (
	errInput = errors.New("invalid input")       // a flag value or a file named by a flag
	errInfra = errors.New("service unavailable") // the engine or a service the CLI called
)

// kindError adds a kind to an error's chain without changing its text.
type kindError struct {
	kind error
	err  error
}

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.err, e.kind} }

// asInput marks err as invalid input (exit 2).
func asInput(err error) error {
	if err == nil {
		return nil
	}
	return &kindError{errInput, err}
}

// asInfra marks err as a failure of the engine or a service (exit 3).
func asInfra(err error) error {
	if err == nil {
		return nil
	}
	return &kindError{errInfra, err}
}

// usageError is a command line cobra refused: an unknown command or flag, a
// bad flag value, the wrong number of arguments.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// codedError is a failure with its own exit code (acb validate: a file is
// invalid), already reported on the output.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// reportedError is an error already printed (acb run's final line): the CLI
// prints nothing more, and exitCode classifies what it wraps.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }
func (e *reportedError) Unwrap() error { return e.err }

// interrupted is the cause of the CLI's context when a signal stops acb.
type interrupted struct{ signal syscall.Signal }

func (e *interrupted) Error() string { return "interrupted by " + e.signal.String() }

// newInterrupted returns the cause for sig.
func newInterrupted(sig os.Signal) error {
	s, ok := sig.(syscall.Signal)
	if !ok {
		s = syscall.SIGINT
	}
	return &interrupted{signal: s}
}

// errorMessage is what the CLI prints for err: "" for an error already
// reported, and "timed out" where Go says "context deadline exceeded", as
// the reference engine does.
func errorMessage(err error) string {
	var rep *reportedError
	var coded *codedError
	if errors.As(err, &rep) || errors.As(err, &coded) {
		return ""
	}
	return strings.ReplaceAll(err.Error(), context.DeadlineExceeded.Error(), "timed out")
}
