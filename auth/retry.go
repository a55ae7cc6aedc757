package auth

import (
	"context"
	"errors"
	"time"
)

// defaultBackoff returns the pauses before each retry of a login: four
// attempts in all, as the reference engine makes.
func defaultBackoff() []time.Duration {
	return []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second}
}

// retry calls f until it succeeds, fails permanently, ctx ends, or every
// pause in backoff has been taken. It returns the number of attempts and
// the last error.
func retry(ctx context.Context, backoff []time.Duration, f func(context.Context) error) (int, error) {
	for attempt := 1; ; attempt++ {
		err := f(ctx)
		var perm permanentError
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
