package main

import (
	"context"
	"errors"
	"strings"
)

// Exit codes, documented in the README.
const (
	exitOK     = 0 // the task ran and succeeded, or the command succeeded
	exitFailed = 1 // the task ran and a step failed (or the run timed out)
	exitInput  = 2 // invalid input: task file, values, flags
	exitInfra  = 3 // the engine, a registry or another service failed
)

// inputError marks errors caused by what the user gave acb.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// infraError marks errors of the engine or other infrastructure.
type infraError struct{ err error }

func (e *infraError) Error() string { return e.err.Error() }
func (e *infraError) Unwrap() error { return e.err }

func asInput(err error) error {
	if err == nil {
		return nil
	}
	return &inputError{err}
}

func asInfra(err error) error {
	if err == nil {
		return nil
	}
	return &infraError{err}
}

func exitCode(err error) int {
	var in *inputError
	var inf *infraError
	var silent *silentError
	switch {
	case errors.As(err, &silent):
		return silent.code
	case errors.As(err, &in):
		return exitInput
	case errors.As(err, &inf):
		return exitInfra
	default:
		return exitFailed
	}
}

// formatError prints "timed out" where Go says "context deadline exceeded",
// as the reference engine does.
func formatError(err error) string {
	return strings.ReplaceAll(err.Error(), context.DeadlineExceeded.Error(), "timed out")
}

// silentError carries an exit code for a failure already reported on stdout.
type silentError struct{ code int }

func (e *silentError) Error() string { return "" }
