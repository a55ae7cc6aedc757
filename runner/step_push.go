package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/internal/retry"
	"github.com/acb-dev/acb/runner/output"
)

// pushBackoff follows acr-builder: 3 attempts, 250 ms and 500 ms apart.
var pushBackoff = retry.Doubling(2, 250*time.Millisecond)

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
		_, lastErr := retry.Do(ctx, pushBackoff, func(ctx context.Context, attempt int) error {
			r.c.logf(s.ID, evPush, "Pushing image: %s, attempt %d", ref, attempt)
			res.Attempts = attempt
			digest, err := r.eng.Push(ctx, ref, auth, r.progress(out))
			out.Flush()
			if err != nil {
				r.c.errorf(s.ID, evPush, "Failed to push image: %s, attempt %d: %v", ref, attempt, err)
				if unauthorized(err) {
					return retry.Permanent(err) // a refused credential stays refused
				}
				return err
			}
			res.Digests[ref] = digest
			r.c.sink.Event(output.Info, evPush).Step(s.ID).Image(ref).Digest(digest).Msgf("Successfully pushed image: %s", ref)
			return nil
		})
		if lastErr != nil && ctx.Err() != nil {
			lastErr = ctx.Err() // the run ended during a push or its back-off
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
