package runner

import (
	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/output"
)

// stepEnded writes the JSON-only stepEnd event of a finished step: its
// status, exit code, elapsed time, attempts and error (level error when
// the step failed the run).
func (r *run) stepEnded(s *graph.Step, res *StepResult) {
	level := output.Info
	if res.Status == StepFailed {
		level = output.Error
	}
	e := r.c.sink.Event(level, output.EventStepEnd).JSONOnly().Step(s.ID).Status(string(res.Status)).
		ExitCode(res.ExitCode).ElapsedMs(res.Elapsed).Attempt(res.Attempts)
	if res.Err != nil {
		e = e.Str(output.FieldError, errText(res.Err))
	}
	e.Msg("")
}
