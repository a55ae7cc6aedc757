package runner

import (
	"context"
	"io"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/internal/retry"
)

// explicitPull is the pull of a cmd step with pull: true. As on ACR, a
// failed pull is retried cmdDownloadRetries times, cmdDownloadRetryDelay
// seconds apart (0: at once); the run's cancellation stops the retries.
func (r *run) explicitPull(ctx context.Context, s *graph.Step, image string, w io.Writer) error {
	attempts := s.CmdDownloadRetries + 1
	delay := time.Duration(s.CmdDownloadRetryDelay) * time.Second
	_, err := retry.Do(ctx, retry.Fixed(max(s.CmdDownloadRetries, 0), delay), func(ctx context.Context, i int) error {
		err := r.pull(ctx, image, w)
		if err != nil && i < attempts && ctx.Err() == nil {
			r.c.logf(s.ID, evPull, "Pulling %s failed (attempt %d of %d): %v; retrying in %d seconds", image, i, attempts, err, s.CmdDownloadRetryDelay)
		}
		return err
	})
	return err
}
