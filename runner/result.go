package runner

import (
	"fmt"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/report"
)

// StepStatus is a step's final state.
type StepStatus string

// Step statuses, as acr-builder names them.
const (
	// StepSkipped: the step never started (its dependencies failed, or the
	// run failed first). Every step starts out skipped.
	StepSkipped StepStatus = "skipped"
	// StepSuccessful: the step succeeded, or failed with ignoreErrors.
	StepSuccessful StepStatus = "successful"
	// StepFailed: the step failed and failed the run.
	StepFailed StepStatus = "failed"
	// StepCancelled: the step was stopped because the run failed, timed out
	// or was cancelled.
	StepCancelled StepStatus = "cancelled"
)

// StepResult is what one step did.
type StepResult struct {
	ID     string
	Type   graph.StepType
	Status StepStatus
	// Err is the step's error; for an ignoreErrors step it is the ignored
	// error while Status is StepSuccessful.
	Err error
	// Start is when the step's work began (after startDelay and an
	// explicit pull); Elapsed runs from Start to the end of the step.
	Start   time.Time
	Elapsed time.Duration
	// Container is the step container's name (cmd steps), ContainerID a
	// detached container's id.
	Container   string
	ContainerID string
	// ImageID and Tags describe a build step's image (Tags as written,
	// after nothing is rewritten).
	ImageID string
	Tags    []string
	// Digests maps each pushed reference to its manifest digest (push
	// steps).
	Digests map[string]string
	// Image is the image a cmd step ran (after --image-map).
	Image string
	// ExitCode is the container's exit code of the last attempt of a cmd
	// step; -1 when no container exited (not run, not a cmd step, stopped
	// before it exited, or the engine failed).
	ExitCode int
	// Attempts counts the step's attempts (retries and repeats included;
	// pushes: of its last image).
	Attempts int
}

// Result is what a run did. Run returns it, partially filled, even when it
// fails.
type Result struct {
	RunID string
	// Steps holds one result per step, in file order.
	Steps []*StepResult
	// Elapsed is the whole run's duration, set-up and clean-up included.
	Elapsed time.Duration
	// Kept lists the containers left on the engine because of keep: true.
	Kept []string
	// Dependencies is the dependency report of a successful run's build
	// steps, digests filled, in acr-builder's schema.
	Dependencies []report.Dependencies
	// Succeeded reports whether the run succeeded.
	Succeeded bool
}

// Step returns the result of the step with that id, or nil.
func (r *Result) Step(id string) *StepResult {
	for _, s := range r.Steps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// FinalLine formats acr-builder's closing line: "Run ID: X was successful
// after Ns" or "Run ID: X failed after Ns. Error: <err>". A nil result
// gives an empty run id and zero duration.
func FinalLine(res *Result, err error) string {
	var id string
	var d time.Duration
	if res != nil {
		id, d = res.RunID, res.Elapsed
	}
	dur := d.Round(time.Second).String()
	if d < time.Second {
		dur = d.Round(time.Millisecond).String()
	}
	if err == nil {
		return fmt.Sprintf("Run ID: %s was successful after %s", id, dur)
	}
	return fmt.Sprintf("Run ID: %s failed after %s. Error: %s", id, dur, errText(err))
}
