// Package retry is acb's one retry loop with back-off: registry logins
// (auth at resolve time, runner at set-up), pushes and explicit pulls.
package retry

import (
	"context"
	"errors"
	"time"
)

// Do calls f, with attempt numbers from 1, until it returns nil or a
// Permanent error, ctx ends, or every pause of backoff has been taken: at
// most len(backoff)+1 attempts, backoff[i] waited after attempt i+1 fails.
// It returns the number of attempts made and f's last error.
func Do(ctx context.Context, backoff []time.Duration, f func(ctx context.Context, attempt int) error) (int, error) {
	for attempt := 1; ; attempt++ {
		err := f(ctx, attempt)
		var perm *permanent
		if err == nil || errors.As(err, &perm) || ctx.Err() != nil || attempt > len(backoff) {
			return attempt, err
		}
		t := time.NewTimer(backoff[attempt-1])
		select {
		case <-ctx.Done():
			t.Stop()
			return attempt, err
		case <-t.C:
		}
	}
}

// Doubling returns n pauses starting at first, each twice the one before
// (250ms, 500ms, 1s: acr-builder's login and push back-off).
func Doubling(n int, first time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = first << i
	}
	return out
}

// Fixed returns n pauses of d.
func Fixed(n int, d time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

// permanent marks an error retrying cannot fix.
type permanent struct{ err error }

func (e *permanent) Error() string { return e.err.Error() }
func (e *permanent) Unwrap() error { return e.err }

// Permanent marks err as one that retrying cannot fix: Do stops at once.
// It keeps err's text and chain.
func Permanent(err error) error { return &permanent{err} }
