package output

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"
)

// Level is an event's severity.
type Level = zerolog.Level

// Levels of events.
const (
	Info  = zerolog.InfoLevel
	Warn  = zerolog.WarnLevel
	Error = zerolog.ErrorLevel
)

// Field names of JSON events. Text lines show none of them: the message
// says it all, as in acr-builder's log.
const (
	FieldLevel    = "level"
	FieldTime     = "time"
	FieldMsg      = "msg"
	FieldEvent    = "event"
	FieldStep     = "step"
	FieldStatus   = "status"
	FieldExitCode = "exitCode"
	FieldElapsed  = "elapsed" // seconds, as in acr-builder's summary lines
	FieldAttempt  = "attempt"
	FieldImage    = "image"
	FieldRegistry = "registry"
	FieldDigest   = "digest"
	FieldStream   = "stream"
	FieldLine     = "line"
)

// fieldNames are excluded from text lines.
var fieldNames = []string{FieldEvent, FieldStep, FieldStatus, FieldExitCode, FieldElapsed,
	FieldAttempt, FieldImage, FieldRegistry, FieldDigest, FieldStream, FieldLine}

// Entry is one event being built: Event returns it, typed field setters add
// to it, Msg or Msgf writes it. An Entry is used by one goroutine and
// written once.
type Entry struct {
	s     *Sink
	level Level
	event string
	step  string
	bare  bool
	// jsonOnly events are not written in text format.
	jsonOnly bool
	fields   []field
}

type field struct {
	key  string
	str  *string
	num  *int64
	flt  *float64
	json json.RawMessage
}

// Event starts an event of the given level and name (JSON field "event":
// "setup", "step", "push", "summary", ...).
func (s *Sink) Event(level Level, event string) *Entry {
	return &Entry{s: s, level: level, event: event}
}

// Step sets the step the event is about.
func (e *Entry) Step(id string) *Entry { e.step = id; return e }

// Status sets the step's or run's status ("successful", "failed", ...).
func (e *Entry) Status(v string) *Entry { return e.str(FieldStatus, v) }

// ExitCode sets a container's or the run's exit code.
func (e *Entry) ExitCode(n int) *Entry { return e.int(FieldExitCode, int64(n)) }

// Elapsed sets a duration, written in seconds.
func (e *Entry) Elapsed(d time.Duration) *Entry {
	v := d.Seconds()
	e.fields = append(e.fields, field{key: FieldElapsed, flt: &v})
	return e
}

// Attempt sets the attempt number of a retried step (1-based).
func (e *Entry) Attempt(n int) *Entry { return e.int(FieldAttempt, int64(n)) }

// Image sets an image reference.
func (e *Entry) Image(ref string) *Entry { return e.str(FieldImage, ref) }

// Registry sets a registry login server.
func (e *Entry) Registry(host string) *Entry { return e.str(FieldRegistry, host) }

// Digest sets an image digest.
func (e *Entry) Digest(d string) *Entry { return e.str(FieldDigest, d) }

// JSONValue sets key to a JSON value (masked as text), such as the
// dependency report. JSON format only: text lines never show fields.
func (e *Entry) JSONValue(key string, v json.RawMessage) *Entry {
	e.fields = append(e.fields, field{key: key, json: v})
	return e
}

// Bare makes the text line the message alone, without acr-builder's
// timestamp: the CLI's own lines (load warnings, the final line, errors).
func (e *Entry) Bare() *Entry { e.bare = true; return e }

func (e *Entry) str(k, v string) *Entry {
	e.fields = append(e.fields, field{key: k, str: &v})
	return e
}

func (e *Entry) int(k string, v int64) *Entry {
	e.fields = append(e.fields, field{key: k, num: &v})
	return e
}

// Msgf writes the event with a formatted message.
func (e *Entry) Msgf(format string, a ...any) { e.Msg(fmt.Sprintf(format, a...)) }

// Msg writes the event with msg, masked. In JSON format the fields are
// level, time, msg (left out when empty), event, step, then the typed
// fields in the order they were set.
func (e *Entry) Msg(msg string) {
	s := e.s
	msg = s.Mask(msg)
	if !s.json {
		if e.jsonOnly || !s.shows(e.level, e.event) {
			return
		}
		if e.bare {
			s.mu.Lock()
			defer s.mu.Unlock()
			_, _ = io.WriteString(s.logW, msg+"\n") // a closed stream must not fail the run
			return
		}
		s.log.WithLevel(e.level).Msg(msg)
		return
	}
	if !s.shows(e.level, e.event) {
		return
	}
	z := s.log.WithLevel(e.level).Str(FieldTime, jsonTime(s.now()))
	if msg != "" {
		z = z.Str(FieldMsg, msg)
	}
	z = z.Str(FieldEvent, e.event)
	if e.step != "" {
		z = z.Str(FieldStep, e.step)
	}
	for _, f := range e.fields {
		switch {
		case f.str != nil:
			z = z.Str(f.key, s.Mask(*f.str))
		case f.num != nil:
			z = z.Int64(f.key, *f.num)
		case f.flt != nil:
			z = z.Float64(f.key, *f.flt)
		default:
			z = z.RawJSON(f.key, []byte(s.Mask(string(f.json))))
		}
	}
	z.Send()
}
