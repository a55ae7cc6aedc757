package runner

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/acb-dev/acb/secrets"
)

// Event names carried by JSON log lines (field "event").
const (
	evSetup    = "setup"
	evStep     = "step"
	evLaunch   = "launch"
	evSuccess  = "success"
	evRetry    = "retry"
	evFailure  = "failure"
	evIgnored  = "ignored"
	evPull     = "pull"
	evPush     = "push"
	evScan     = "scan"
	evSummary  = "summary"
	evWarning  = "warning"
	evCleanup  = "cleanup"
	evOutput   = "output"
	evDryRun   = "dryrun"
	evReport   = "report"
	evLeftOut  = "leftout"
	timeLayout = "2006/01/02 15:04:05"
)

// console serialises everything a run prints. Log lines and output lines
// are written whole, one Write call each, under one mutex, so lines from
// parallel steps never interleave inside a line.
type console struct {
	mu     sync.Mutex
	json   bool
	prefix bool
	masker *secrets.Masker
	log    zerolog.Logger
	out    zerolog.Logger // JSON output events
	outW   io.Writer      // text output
	logW   io.Writer      // raw log output, written under mu
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

func newConsole(opts *Options, prefix bool) *console {
	c := &console{json: opts.LogFormat == LogJSON, prefix: prefix, masker: opts.Masker}
	if c.masker == nil {
		// The run still masks what it learns itself (secret volume files).
		c.masker = secrets.NewMasker()
	}
	logW, outW := opts.Log, opts.Out
	if logW == nil {
		logW = io.Discard
	}
	if outW == nil {
		outW = io.Discard
	}
	lw := lockedWriter{&c.mu, logW}
	ow := lockedWriter{&c.mu, outW}
	c.outW = ow
	c.logW = logW
	if c.json {
		c.log = zerolog.New(lw)
		c.out = zerolog.New(ow)
	} else {
		c.log = zerolog.New(zerolog.ConsoleWriter{
			Out:           lw,
			NoColor:       true,
			TimeFormat:    timeLayout,
			PartsOrder:    []string{zerolog.TimestampFieldName, zerolog.MessageFieldName},
			FieldsExclude: []string{"step", "event"},
		}).With().Timestamp().Logger()
	}
	return c
}

// mask hides secret values in s.
func (c *console) mask(s string) string {
	if c.masker == nil {
		return s
	}
	return c.masker.String(s)
}

// logf logs one line; step may be empty.
func (c *console) logf(step, event, format string, a ...any) {
	c.emit(zerolog.InfoLevel, step, event, fmt.Sprintf(format, a...))
}

// warnf logs a warning line.
func (c *console) warnf(step, format string, a ...any) {
	c.emit(zerolog.WarnLevel, step, evWarning, fmt.Sprintf(format, a...))
}

// errorf logs an error line.
func (c *console) errorf(step, event, format string, a ...any) {
	c.emit(zerolog.ErrorLevel, step, event, fmt.Sprintf(format, a...))
}

func (c *console) emit(level zerolog.Level, step, event, msg string) {
	msg = c.mask(msg)
	if !c.json {
		c.log.WithLevel(level).Msg(msg)
		return
	}
	e := c.log.WithLevel(level).Str("time", jsonTime()).Str("msg", msg).Str("event", event)
	if step != "" {
		e = e.Str("step", step)
	}
	e.Send()
}

// maskedLine writes one line of step output (without its newline), already
// masked by the stream's secrets.MaskWriter (see streamWriter).
func (c *console) maskedLine(step, stream string, line []byte) {
	s := string(line)
	if c.json {
		c.out.Info().Str("time", jsonTime()).Str("event", evOutput).Str("step", step).Str("stream", stream).Str("line", s).Send()
		return
	}
	var b []byte
	if c.prefix && step != "" {
		b = make([]byte, 0, len(step)+len(s)+4)
		b = append(b, step...)
		b = append(b, " | "...)
	} else {
		b = make([]byte, 0, len(s)+1)
	}
	b = append(b, s...)
	b = append(b, '\n')
	_, _ = c.outW.Write(b) // output errors (a closed stdout) must not fail the step
}

// raw writes text (whole lines) to the log as it is, masked: the
// dependency report's YAML, which ACR prints without timestamps.
func (c *console) raw(text string) {
	text = c.mask(text)
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = io.WriteString(c.logW, text)
}

// rawJSON logs one JSON event carrying a JSON value under key.
func (c *console) rawJSON(event, key string, value []byte) {
	c.log.Info().Str("time", jsonTime()).Str("event", event).RawJSON(key, []byte(c.mask(string(value)))).Send()
}

// jsonTime is the time field of JSON events: UTC with milliseconds, so
// machines can order and time events (zerolog's default has seconds only
// and is set through a package-level variable acb does not touch).
func jsonTime() string {
	return time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
