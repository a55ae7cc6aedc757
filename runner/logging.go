package runner

import (
	"encoding/json"
	"fmt"

	"github.com/acb-dev/acb/runner/output"
	"github.com/acb-dev/acb/secrets"
)

// Event names carried by JSON log lines (field "event"); see package output.
const (
	evSetup   = output.EventSetup
	evEngine  = output.EventEngine
	evStep    = output.EventStep
	evLaunch  = output.EventLaunch
	evSuccess = output.EventSuccess
	evRetry   = output.EventRetry
	evFailure = output.EventFailure
	evIgnored = output.EventIgnored
	evPull    = output.EventPull
	evPush    = output.EventPush
	evScan    = output.EventScan
	evSummary = output.EventSummary
	evWarning = output.EventWarning
	evCleanup = output.EventCleanup
	evOutput  = output.EventOutput
	evDryRun  = output.EventDryRun
	evReport  = output.EventReport
	evLeftOut = output.EventLeftOut
	evKept    = output.EventKept
)

// console is the run's view of the output sink: acr-builder's log lines
// with the run's choice of output prefixes.
type console struct {
	sink   *output.Sink
	prefix bool
	masker *secrets.Masker // the sink's: the run adds what it learns (secret volume files)
}

func newConsole(sink *output.Sink, prefix bool) *console {
	if sink == nil {
		sink = output.Discard()
	}
	return &console{sink: sink, prefix: prefix, masker: sink.Masker()}
}

// mask hides secret values in s.
func (c *console) mask(s string) string { return c.sink.Mask(s) }

// logf logs one line; step may be empty.
func (c *console) logf(step, event, format string, a ...any) {
	c.sink.Event(output.Info, event).Step(step).Msg(fmt.Sprintf(format, a...))
}

// warnf logs a warning line.
func (c *console) warnf(step, format string, a ...any) {
	c.sink.Event(output.Warn, evWarning).Step(step).Msg(fmt.Sprintf(format, a...))
}

// errorf logs an error line.
func (c *console) errorf(step, event, format string, a ...any) {
	c.sink.Event(output.Error, event).Step(step).Msg(fmt.Sprintf(format, a...))
}

// raw writes text (whole lines) to the log as it is, masked: the
// dependency report's YAML, which ACR prints without timestamps.
func (c *console) raw(text string) { c.sink.Raw(text) }

// rawJSON logs one JSON event carrying a JSON value under key.
func (c *console) rawJSON(event, key string, value []byte) {
	c.sink.Event(output.Info, event).JSONValue(key, json.RawMessage(value)).Msg("")
}

// debugf logs a debug line, shown only with -v (output.Verbose): what acb
// asks of the engine, beyond ACR's lines.
func (c *console) debugf(step, format string, a ...any) {
	c.sink.Event(output.Debug, output.EventDebug).Step(step).Msg(fmt.Sprintf(format, a...))
}
