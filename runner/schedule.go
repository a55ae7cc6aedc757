package runner

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/engine"
)

// outcome is a finished step, sent from its goroutine to the scheduler.
type outcome struct {
	id  string
	err error
}

// schedule runs the steps as a DAG: each step starts as soon as all of
// its own dependencies have finished, at most opts.Parallelism at once.
// This goroutine alone owns the ready queue, the counters and the
// statuses; every step goroutine ends by sending one outcome, and
// schedule does not return before it has received them all.
//
// The first failing step without ignoreErrors fails the run: nothing else
// starts, and the steps still running are cancelled with a siblingFailed
// cause: their containers are killed at once, as ACR does, so none prints
// after the failure, and each is logged and reported as cancelled.
func (r *run) schedule(ctx context.Context) error {
	ctx, cancelCause := context.WithCancelCause(ctx)
	defer cancelCause(nil)
	defer r.discardAllPrepared(ctx)
	defer r.timed(TimeSteps, time.Now())

	pending := make(map[string]int, len(r.steps))
	dependents := make(map[string][]string, len(r.steps))
	var ready []*graph.Step
	for _, s := range r.steps {
		pending[s.ID] = len(r.deps[s.ID])
		for _, d := range r.deps[s.ID] {
			dependents[d] = append(dependents[d], s.ID)
		}
		if pending[s.ID] == 0 {
			ready = append(ready, s)
		}
	}

	done := make(chan outcome)
	running := 0
	launched := make(map[string]bool, len(r.steps))
	var failure error
	for {
		for failure == nil && ctx.Err() == nil && len(ready) > 0 && (r.opts.Parallelism == 0 || running < r.opts.Parallelism) {
			s := ready[0]
			ready = ready[1:]
			running++
			go func() { done <- outcome{s.ID, r.runStep(ctx, s)} }()
			launched[s.ID] = true
			r.prepareDependents(ctx, s.ID, launched, dependents)
		}
		if running == 0 {
			break
		}
		o := <-done
		running--
		s, res := r.byID[o.id], r.results[o.id]
		if o.err != nil {
			res.Err = o.err
			switch {
			case failure != nil || (ctx.Err() != nil && errors.Is(o.err, context.Canceled)):
				res.Status = StepCancelled
				if failure == nil {
					failure = &StepError{StepID: s.ID, Err: o.err}
				}
				r.stepEnded(s, res)
				continue
			case s.IgnoreErrors && ctx.Err() == nil:
				r.c.logf(s.ID, evIgnored, "Step ID: %s encountered an error: %s, but is set to ignore errors. Continuing...", s.ID, errText(o.err))
			default:
				res.Status = StepFailed
				failure = &StepError{StepID: s.ID, Err: o.err}
				cancelCause(&siblingFailed{id: s.ID})
				r.stepEnded(s, res)
				continue
			}
		}
		res.Status = StepSuccessful
		r.stepEnded(s, res)
		for _, id := range dependents[s.ID] {
			if pending[id]--; pending[id] == 0 {
				ready = insertByIndex(ready, r.byID[id])
			}
		}
	}
	if failure != nil {
		return failure
	}
	if err := ctx.Err(); err != nil {
		// Cancelled between steps: name the first step that did not run.
		for _, s := range r.steps {
			if r.results[s.ID].Status == StepSkipped {
				return &StepError{StepID: s.ID, Err: err}
			}
		}
		return err
	}
	return nil
}

// siblingFailed is the cause of the cancellation of the steps still running
// when step id failed. It is an engine.ErrStopNow: their containers are
// killed without the stop grace.
type siblingFailed struct{ id string }

func (e *siblingFailed) Error() string { return "step " + e.id + " failed" }

// Is makes errors.Is(cause, engine.ErrStopNow) true.
func (e *siblingFailed) Is(target error) bool { return target == engine.ErrStopNow }

// siblingFailure returns the step whose failure cancelled ctx, if any.
func siblingFailure(ctx context.Context) (string, bool) {
	var sf *siblingFailed
	if errors.As(context.Cause(ctx), &sf) {
		return sf.id, true
	}
	return "", false
}

// insertByIndex inserts s into ready, kept in file order.
func insertByIndex(ready []*graph.Step, s *graph.Step) []*graph.Step {
	i := sort.Search(len(ready), func(i int) bool { return ready[i].Index > s.Index })
	ready = append(ready, nil)
	copy(ready[i+1:], ready[i:])
	ready[i] = s
	return ready
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
