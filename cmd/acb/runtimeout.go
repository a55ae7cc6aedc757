package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// abortKey is the context key of withAbort.
type abortKey struct{}

// withAbort returns ctx carrying abort, the context a second interrupt
// cancels (see main): acb run ends its clean-up on it.
func withAbort(ctx, abort context.Context) context.Context {
	return context.WithValue(ctx, abortKey{}, abort)
}

// abortOf returns the abort context withAbort put in ctx, or nil.
func abortOf(ctx context.Context) context.Context {
	a, _ := ctx.Value(abortKey{}).(context.Context)
	return a
}

// errRunTimedOut is the cause of the run context's end at --timeout.
var errRunTimedOut = errors.New("run timed out")

// withRunTimeout returns the context of the whole run: it ends at timeout
// (none when 0) with errRunTimedOut as its cause.
func withRunTimeout(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, timeout, errRunTimedOut)
}

// runDeadline returns the run context's deadline.
func runDeadline(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}

// setupTimedOut turns an error of what comes before the first step
// (context download, load, logins, engine connection) into a timeout, exit
// code 1, when --timeout is what ended it. (A signal's exit code comes
// from the command's context, see exitCode.)
func setupTimedOut(parent, runCtx context.Context, timeout time.Duration, err error) error {
	if err == nil || parent.Err() != nil || !errors.Is(context.Cause(runCtx), errRunTimedOut) {
		return err
	}
	var rep *reportedError
	if errors.As(err, &rep) {
		return err
	}
	// Only the text of err is kept: its kind (engine, input) is not why
	// the run ended.
	return fmt.Errorf("run %w after %s, before the first step: %s", context.DeadlineExceeded, timeout, err.Error())
}
