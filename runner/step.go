package runner

import (
	"context"
	"errors"
	"path"
	"strings"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/output"
)

// runStep runs one step from "Executing step ID" to its end. It writes
// only its own StepResult.
func (r *run) runStep(ctx context.Context, s *graph.Step) error {
	res := r.results[s.ID]
	r.c.sink.Event(output.Info, output.EventStepStart).JSONOnly().Step(s.ID).Str(output.FieldKind, s.Type.String()).Msg("")
	r.c.logf(s.ID, evStep, "Executing step ID: %s. Timeout(sec): %d, Working directory: '%s', Network: '%s'",
		s.ID, stepTimeout(s), r.configuredWorkdir(s), r.network(s.Network))
	if s.StartDelay > 0 {
		r.c.logf(s.ID, evStep, "Waiting %d seconds before executing step ID: %s", s.StartDelay, s.ID)
		if err := sleepCtx(ctx, time.Duration(s.StartDelay)*time.Second); err != nil {
			return err
		}
	}
	var err error
	switch s.Type {
	case graph.BuildStep:
		err = r.runBuild(ctx, s, res)
	case graph.PushStep:
		res.Start = time.Now()
		err = r.runPush(ctx, s, res)
	default:
		err = r.runCmd(ctx, s, res)
	}
	if !res.Start.IsZero() {
		res.Elapsed = time.Since(res.Start)
	}
	return err
}

// stepTimeout is the step's timeout in seconds.
func stepTimeout(s *graph.Step) int {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return graph.DefaultStepTimeout
}

// configuredWorkdir is the working directory as acr-builder logs it: the
// step's value, or the git context's sub-directory when the step has none.
func (r *run) configuredWorkdir(s *graph.Step) string {
	if s.WorkingDirectory == "" && r.opts.Source != nil {
		return r.opts.Source.SubDir
	}
	return s.WorkingDirectory
}

// containerWorkdir is the working directory set in the container: the
// configured one resolved against /workspace and cleaned, /workspace by
// default, "" (the image's WORKDIR) with disableWorkingDirectoryOverride.
func (r *run) containerWorkdir(s *graph.Step) string {
	if s.DisableWorkingDirectoryOverride {
		return ""
	}
	return resolveWorkdir(r.configuredWorkdir(s))
}

// resolveWorkdir joins a relative directory to /workspace and cleans it.
func resolveWorkdir(wd string) string {
	if wd == "" {
		return graph.WorkspaceDir
	}
	if strings.HasPrefix(wd, "/") {
		return path.Clean(wd)
	}
	return path.Clean(graph.WorkspaceDir + "/" + wd)
}

// attemptFunc runs one attempt of a step; out is reset before each attempt.
type attemptFunc func(ctx context.Context) error

// retryLoop runs attempt under the step's timeout with acr-builder's
// retries and repeat (behaviour §5.6): repeat+1 rounds, each retrying a
// failed attempt up to retries times (only when the output matches
// retryOnErrors, if set), errors of the rounds joined with ", ". The
// deadline covers every attempt and every retry delay.
func (r *run) retryLoop(ctx context.Context, s *graph.Step, name string, out *stepOutput, attempt attemptFunc) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(stepTimeout(s))*time.Second)
	defer cancel()
	delay := s.RetryDelay
	if delay <= 0 {
		delay = graph.DefaultRetryDelay
	}
	var errs []error
	for rep := 0; rep <= s.Repeat; rep++ {
		for try := 0; ; try++ {
			if out.tail != nil {
				out.tail.Reset()
			}
			r.c.logf(s.ID, evLaunch, "Launching container with name: %s", name)
			r.results[s.ID].Attempts++
			err := attempt(ctx)
			out.Flush()
			if err == nil {
				r.c.logf(s.ID, evSuccess, "Successfully executed container: %s", name)
				break
			}
			if cerr := ctx.Err(); cerr != nil {
				err = cerr // the deadline (or the run's cancellation), not its symptom
			}
			var perm *permanentError
			retry := try < s.Retries && ctx.Err() == nil && !errors.As(err, &perm) &&
				(len(s.RetryOnErrors) == 0 || (out.tail != nil && out.tail.ContainsAny(s.RetryOnErrors)))
			if !retry {
				if failed, ok := siblingFailure(ctx); ok {
					r.c.logf(s.ID, evFailure, "Step ID: %s cancelled: step %s failed", s.ID, failed)
					errs = append(errs, err)
					break
				}
				r.c.errorf(s.ID, evFailure, "Container failed during run: %s. No retries remaining.", name)
				errs = append(errs, err)
				break
			}
			r.c.logf(s.ID, evRetry, "Container failed during run: %s, waiting %d seconds before retrying...", name, delay)
			if err := sleepCtx(ctx, time.Duration(delay)*time.Second); err != nil {
				r.c.errorf(s.ID, evFailure, "Container failed during run: %s. No retries remaining.", name)
				errs = append(errs, err)
				break
			}
		}
		if ctx.Err() != nil {
			break
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return joinedError(errs)
}

// joinedError joins errors with ", " as acr-builder does for repeats.
type joinedError []error

func (e joinedError) Error() string {
	parts := make([]string, len(e))
	for i, err := range e {
		parts[i] = err.Error()
	}
	return strings.Join(parts, ", ")
}

// Unwrap returns the joined errors.
func (e joinedError) Unwrap() []error { return e }
