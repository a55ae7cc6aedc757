package output

import (
	"encoding/json"
	"time"
)

// Schema is the version of the JSON event and result-file schema
// (field "schema" of the start and run events): it changes only when a
// field is removed or changes meaning; added fields and events keep it.
const Schema = 1

// Events of --log-format json that have no text line: acr-builder prints
// nothing for them, so text output stays byte-identical.
const (
	EventStart     = "start"     // the run starts: schema, runId, taskFile, engine, version
	EventStepStart = "stepStart" // a step starts: step, kind
	EventStepEnd   = "stepEnd"   // a step ended: step, status, exitCode, elapsedMs, attempt
	EventLogin     = "login"     // a registry login: registry
	EventDebug     = "debug"     // a debug line (-v): what acb asks of the engine
)

// More field names of JSON events.
const (
	FieldSchema    = "schema"
	FieldElapsedMs = "elapsedMs"
	FieldKind      = "kind"
	FieldRunID     = "runId"
	FieldError     = "error"
)

// JSONOnly makes the event a JSON line only: in text format it is not
// written at all (events acr-builder has no line for).
func (e *Entry) JSONOnly() *Entry { e.jsonOnly = true; return e }

// ElapsedMs sets a duration in whole milliseconds (field elapsedMs).
func (e *Entry) ElapsedMs(d time.Duration) *Entry { return e.int(FieldElapsedMs, d.Milliseconds()) }

// Str sets a string field, masked.
func (e *Entry) Str(key, v string) *Entry { return e.str(key, v) }

// Int sets an integer field.
func (e *Entry) Int(key string, v int) *Entry { return e.int(key, int64(v)) }

// Value sets key to v marshalled as JSON (masked as text); a value that
// cannot be marshalled is left out.
func (e *Entry) Value(key string, v any) *Entry {
	b, err := json.Marshal(v)
	if err != nil {
		return e
	}
	return e.JSONValue(key, b)
}
