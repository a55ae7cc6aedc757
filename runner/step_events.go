package runner

import (
	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/engine"
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

// debugSpec logs a cmd step's container as acb creates it (-v).
func (r *run) debugSpec(s *graph.Step, spec engine.ContainerSpec) {
	var mounts []string
	for _, m := range spec.Mounts {
		mounts = append(mounts, m.Source+":"+m.Target)
	}
	r.c.debugf(s.ID, "container %s: image %s, entrypoint %q, cmd %q, workdir %q, user %q, network %s, env %q, mounts %q",
		spec.Name, spec.Image, spec.Entrypoint, spec.Cmd, spec.WorkingDir, spec.User, spec.Network, spec.Env, mounts)
}
