package output

import (
	"io"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/acb-dev/acb/secrets"
)

// Format is how a Sink writes events.
type Format string

// Formats of Options.Format.
const (
	// Text is acr-builder's "YYYY/MM/DD HH:MM:SS msg" lines.
	Text Format = "text"
	// JSON writes one JSON object per event and per output line.
	JSON Format = "json"
)

// ParseFormat returns the Format named s ("" means Text).
func ParseFormat(s string) (Format, bool) {
	switch Format(s) {
	case "", Text:
		return Text, true
	case JSON:
		return JSON, true
	}
	return "", false
}

// Options configures a Sink. The zero value discards everything.
type Options struct {
	// Log receives log events and the CLI's own lines (stderr in the CLI);
	// nil discards.
	Log io.Writer
	// Out receives step output and command results (stdout in the CLI);
	// nil discards.
	Out io.Writer
	// Format is Text (default when empty) or JSON.
	Format Format
	// Masker hides secret values in everything written; nil means a new,
	// empty one (values can be added through Sink.Masker).
	Masker *secrets.Masker
	// Verbosity is Quiet, Normal (the zero value) or Verbose.
	Verbosity Verbosity
	// Color keeps ANSI escape sequences of step output (a terminal that
	// wants them); otherwise they are removed.
	Color bool
	// KeepTails keeps the last lines of each step's output (Sink.Tail).
	KeepTails bool
	// Terminal says that Out is the terminal with file descriptor
	// TerminalFd (text format, not Quiet): engine progress is then drawn
	// in place (terminal.go).
	Terminal   bool
	TerminalFd uintptr
}

// Sink is acb's single output owner. It is safe for concurrent use: every
// event and every line is written whole, with one Write call, under one
// mutex, so lines from parallel steps never interleave inside a line.
type Sink struct {
	mu     sync.Mutex
	json   bool
	masker *secrets.Masker
	log    zerolog.Logger // events (JSON, or text through a ConsoleWriter)
	out    zerolog.Logger // JSON output-line events
	logW   io.Writer      // raw log stream, written under mu
	outW   io.Writer      // raw output stream, written under mu
	now    func() time.Time
	// verbosity filters events and output (verbosity.go); color keeps
	// ANSI sequences in step output.
	verbosity Verbosity
	color     bool
	tails     tails // nil unless Options.KeepTails
	term      bool  // Out is a terminal (terminal.go)
	termFd    uintptr
}

// timeLayout is acr-builder's log timestamp.
const timeLayout = "2006/01/02 15:04:05"

// New returns a Sink writing to o.Log and o.Out.
func New(o Options) *Sink {
	s := &Sink{json: o.Format == JSON, masker: o.Masker, logW: o.Log, outW: o.Out, now: time.Now,
		verbosity: o.Verbosity, color: o.Color && o.Format != JSON}
	if s.masker == nil {
		s.masker = secrets.NewMasker()
	}
	if o.KeepTails {
		s.tails = tails{}
	}
	s.term = o.Terminal && o.Format != JSON && o.Verbosity != Quiet
	s.termFd = o.TerminalFd
	if s.logW == nil {
		s.logW = io.Discard
	}
	if s.outW == nil {
		s.outW = io.Discard
	}
	lw := lockedWriter{&s.mu, s.logW}
	if s.json {
		s.log = zerolog.New(lw)
		s.out = zerolog.New(lockedWriter{&s.mu, s.outW})
		return s
	}
	s.log = zerolog.New(zerolog.ConsoleWriter{
		Out:           lw,
		NoColor:       true,
		TimeFormat:    timeLayout,
		PartsOrder:    []string{zerolog.TimestampFieldName, zerolog.MessageFieldName},
		FieldsExclude: fieldNames, // text lines are the message only
	}).With().Timestamp().Logger()
	return s
}

// Discard returns a Sink that writes nothing.
func Discard() *Sink { return New(Options{}) }

// JSON reports whether the sink writes JSON.
func (s *Sink) JSON() bool { return s.json }

// Masker returns the masker of everything the sink writes; add secret
// values to it as soon as they are known.
func (s *Sink) Masker() *secrets.Masker { return s.masker }

// Mask hides the known secret values in text.
func (s *Sink) Mask(text string) string { return s.masker.String(text) }

// Result returns the writer for a command's result on the output stream
// (rendered YAML, a graph, validation results, the version): written as is,
// unmasked, because the command decides (acb render --show-secrets).
func (s *Sink) Result() io.Writer { return lockedWriter{&s.mu, s.outW} }

// Raw writes text (whole lines) to the log stream as it is, masked: the
// dependency report's YAML, which ACR prints without timestamps.
func (s *Sink) Raw(text string) {
	if s.verbosity == Quiet {
		return
	}
	text = s.Mask(text)
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = io.WriteString(s.logW, text) // a closed stream must not fail the run
}

// lockedWriter writes to w under mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// jsonTime is the time field of JSON events: UTC with milliseconds, so
// machines can order and time events (zerolog's default has seconds only
// and is set through a package-level variable acb does not touch).
func jsonTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// Blank writes an empty line to the log stream in text format (before
// acb run's final line, as ACR); JSON format has no blank lines.
func (s *Sink) Blank() {
	if s.json || s.verbosity == Quiet {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = io.WriteString(s.logW, "\n")
}
