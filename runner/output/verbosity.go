package output

import "github.com/rs/zerolog"

// Verbosity is how much a Sink writes (acb run -q, -v).
type Verbosity int

// Verbosities of Options.Verbosity.
const (
	// Normal writes every event but debug ones, and all step output.
	Normal Verbosity = 0
	// Quiet writes only errors and the run's start, end and final line:
	// no step output, no progress, no report.
	Quiet Verbosity = -1
	// Verbose adds debug events.
	Verbose Verbosity = 1
)

// Debug is the level of events shown only with Verbose.
const Debug = zerolog.DebugLevel

// shows reports whether an event of this level and name is written.
func (s *Sink) shows(level Level, event string) bool {
	switch {
	case level < Info:
		return s.verbosity >= Verbose
	case s.verbosity > Quiet, level >= Error:
		return true
	}
	switch event {
	case EventStart, EventRun, EventError:
		return true
	}
	return false
}

// Verbosity returns the sink's verbosity.
func (s *Sink) Verbosity() Verbosity { return s.verbosity }
