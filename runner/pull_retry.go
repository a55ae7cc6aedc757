package runner

import (
	"context"
	"io"
	"time"

	"github.com/acb-dev/acb/graph"
)

// explicitPull is the pull of a cmd step with pull: true. As on ACR, a
// failed pull is retried cmdDownloadRetries times, cmdDownloadRetryDelay
// seconds apart (0: at once); the run's cancellation stops the retries.
func (r *run) explicitPull(ctx context.Context, s *graph.Step, image string, w io.Writer) error {
	attempts := s.CmdDownloadRetries + 1
	delay := time.Duration(s.CmdDownloadRetryDelay) * time.Second
	for i := 1; ; i++ {
		err := r.pull(ctx, image, w)
		if err == nil || i >= attempts || ctx.Err() != nil {
			return err
		}
		r.c.logf(s.ID, evPull, "Pulling %s failed (attempt %d of %d): %v; retrying in %d seconds", image, i, attempts, err, s.CmdDownloadRetryDelay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}
