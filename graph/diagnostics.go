package graph

import "github.com/acb-dev/acb/internal/diag"

// Diagnostic is one problem found in task input, with its file, line,
// column and step. Parse, Validate and the template package return them
// (one, or a Diagnostics list) for bad task input, so importers branch with
// errors.As on these names.
type Diagnostic = diag.Diagnostic

// Diagnostics is an ordered list of problems; it implements error.
type Diagnostics = diag.List

// Position is a place in a task input file.
type Position = diag.Position

// Severity says whether a Diagnostic stops the task from running.
type Severity = diag.Severity

// Severities of diagnostics.
const (
	SeverityError   = diag.Error
	SeverityWarning = diag.Warning
)
