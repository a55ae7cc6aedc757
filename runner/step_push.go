package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/output"
)

// pushAttempts and pushBackoff follow acr-builder: 3 attempts, sleeping
// 250 ms, 500 ms, 1 s after each failure.
const pushAttempts = 3

func pushBackoff(attempt int) time.Duration {
	return 250 * time.Millisecond << attempt
}

// runPush pushes each image in turn; the step timeout bounds them all.
func (r *run) runPush(ctx context.Context, s *graph.Step, res *StepResult) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(stepTimeout(s))*time.Second)
	defer cancel()
	out := newStepOutput(r.c, s.ID, false)
	defer out.Flush()
	res.Digests = map[string]string{}
	for _, ref := range s.Push {
		auth, err := r.authFor(ctx, ref)
		if err != nil {
			return err
		}
		var lastErr error
		for attempt := 0; attempt < pushAttempts; attempt++ {
			r.c.logf(s.ID, evPush, "Pushing image: %s, attempt %d", ref, attempt+1)
			res.Attempts = attempt + 1
			digest, err := r.eng.Push(ctx, ref, auth, out.stdout)
			out.Flush()
			if err == nil {
				lastErr = nil
				res.Digests[ref] = digest
				r.c.sink.Event(output.Info, evPush).Step(s.ID).Image(ref).Digest(digest).Msgf("Successfully pushed image: %s", ref)
				break
			}
			lastErr = err
			r.c.errorf(s.ID, evPush, "Failed to push image: %s, attempt %d: %v", ref, attempt+1, err)
			if unauthorized(err) {
				break // a refused credential stays refused
			}
			if err := sleepCtx(ctx, pushBackoff(attempt)); err != nil {
				lastErr = err
				break
			}
		}
		if lastErr != nil {
			if unauthorized(lastErr) {
				return fmt.Errorf("failed to push images successfully: %w; the registry refused the push: "+
					"give the run a login for %s with --credential server=%s,... (or --registry-identity)", lastErr, registryOf(ref), registryOf(ref))
			}
			return fmt.Errorf("failed to push images successfully: %w", lastErr)
		}
	}
	return nil
}
