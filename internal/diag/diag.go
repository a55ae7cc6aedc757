// Package diag holds the position-carrying diagnostics shared by the task
// front end (template, graph) and the CLI: every problem with task input names
// its file, line, column and, when known, the step.
package diag

import (
	"fmt"
	"strings"
)

// Position is a place in a task input file. Line and Col are 1-based; zero
// means unknown.
type Position struct {
	File string
	Line int
	Col  int
}

// String formats the position as file:line:col, leaving out unknown parts.
func (p Position) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	return b.String()
}

// Severity says whether a diagnostic stops the task from running.
type Severity int

const (
	// Error diagnostics make the task invalid.
	Error Severity = iota
	// Warning diagnostics are reported but accepted.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in task input.
type Diagnostic struct {
	Pos      Position
	Severity Severity
	StepID   string // empty when the problem is not inside a step
	Msg      string
}

// Error formats the diagnostic as "file:line:col: step ID: message".
func (d Diagnostic) Error() string {
	var b strings.Builder
	if s := d.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	if d.StepID != "" {
		fmt.Fprintf(&b, "step %s: ", d.StepID)
	}
	b.WriteString(d.Msg)
	return b.String()
}

// List is an ordered collection of diagnostics. It implements error so that a
// whole validation pass can be returned at once.
type List []Diagnostic

// Error joins every diagnostic, one per line.
func (l List) Error() string {
	lines := make([]string, len(l))
	for i, d := range l {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// Errors returns only the error-severity diagnostics.
func (l List) Errors() List { return l.filter(Error) }

// Warnings returns only the warning-severity diagnostics.
func (l List) Warnings() List { return l.filter(Warning) }

func (l List) filter(s Severity) List {
	var out List
	for _, d := range l {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Err returns the list's errors as an error, or nil when there are none.
// Warnings alone never make Err non-nil.
func (l List) Err() error {
	if errs := l.Errors(); len(errs) > 0 {
		return errs
	}
	return nil
}

// Errorf builds an error-severity diagnostic.
func Errorf(pos Position, stepID, format string, args ...any) Diagnostic {
	return Diagnostic{Pos: pos, StepID: stepID, Msg: fmt.Sprintf(format, args...)}
}

// Warnf builds a warning-severity diagnostic.
func Warnf(pos Position, stepID, format string, args ...any) Diagnostic {
	return Diagnostic{Pos: pos, Severity: Warning, StepID: stepID, Msg: fmt.Sprintf(format, args...)}
}
