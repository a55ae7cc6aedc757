package output

import (
	"bytes"
	"io"
)

// Event names of the JSON field "event".
const (
	EventSetup   = "setup"   // run volume, networks, Docker configuration
	EventEngine  = "engine"  // which engine the run uses (first lines)
	EventStep    = "step"    // a step's progress lines
	EventLaunch  = "launch"  // a step container starts
	EventSuccess = "success" // a step succeeded
	EventRetry   = "retry"   // a step is retried
	EventFailure = "failure" // a step failed
	EventIgnored = "ignored" // a step failed with ignoreErrors
	EventPull    = "pull"    // an image pull
	EventPush    = "push"    // an image push
	EventScan    = "scan"    // a build's dependency scan
	EventSummary = "summary" // the per-step summary lines
	EventWarning = "warning" // a warning (load warnings too)
	EventCleanup = "cleanup" // removing what the run created
	EventOutput  = "output"  // one line of step output
	EventDryRun  = "dryrun"  // the dry-run plan
	EventReport  = "report"  // the dependency report
	EventLeftOut = "leftout" // steps a selection left out (--target, --only, --from, --skip)
	EventKept    = "kept"    // what --keep-on-failure kept, and the commands to inspect and remove it
	EventWatch   = "watch"   // acb run --watch: a change seen, a run started again
	EventRun     = "run"     // the run's final line
	EventError   = "error"   // the CLI's error message
	EventTiming  = "timing"  // ACB_TIMING=1: how long a part of the run took (the bench reads it)
	EventLog     = "log"     // lines of a helper's own log (acb registry serve -v)
)

// EventIdentity names the line that says which credential answered for an
// identity, once per identity (auth.Identities).
const EventIdentity = "identity"

// LogWriter returns a writer that turns each line written to it into an
// Info event named event (text: the line as it is, without a timestamp),
// for libraries that log through an io.Writer.
func (s *Sink) LogWriter(event string) io.Writer { return &eventLines{s: s, event: event} }

type eventLines struct {
	s     *Sink
	event string
}

func (w *eventLines) Write(p []byte) (int, error) {
	for _, line := range bytes.Split(bytes.TrimSuffix(p, []byte{'\n'}), []byte{'\n'}) {
		w.s.Event(Info, w.event).Bare().Msg(string(line))
	}
	return len(p), nil
}
