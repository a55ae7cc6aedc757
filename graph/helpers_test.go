package graph

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/diag"
)

// want describes one expected diagnostic: "line:col", step id, severity and
// a message fragment.
type want struct {
	at   string
	step string
	warn bool
	msg  string
}

// parseDiags parses src and returns every diagnostic (errors from the
// returned error, or the task's warnings).
func parseDiags(t *testing.T, src string, opts ParseOptions) (*Task, diag.List) {
	t.Helper()
	task, err := Parse([]byte(src), opts)
	if err != nil {
		var l diag.List
		if !errors.As(err, &l) {
			t.Fatalf("Parse error is %T, not diag.List: %v", err, err)
		}
		if task != nil {
			t.Fatalf("Parse returned a task and an error")
		}
		return nil, l
	}
	return task, task.Warnings
}

// checkDiags asserts that every wanted diagnostic is present.
func checkDiags(t *testing.T, got diag.List, wants []want) {
	t.Helper()
	for _, w := range wants {
		found := false
		for _, d := range got {
			at := fmt.Sprintf("%d:%d", d.Pos.Line, d.Pos.Col)
			if at == w.at && d.StepID == w.step && (d.Severity == diag.Warning) == w.warn && strings.Contains(d.Msg, w.msg) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("missing diagnostic at %s step %q warn=%v containing %q; got:\n%s", w.at, w.step, w.warn, w.msg, got.Error())
		}
	}
}
