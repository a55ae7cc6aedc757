package runner

import (
	"bytes"
	"strings"
	"testing"

	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/output"
	"github.com/acb-dev/acb/secrets"
)

// TestProgressTerminal checks where a step's engine progress goes: on a
// terminal (not prefixed) to a terminal writer, masked, and recorded for
// retryOnErrors when the step has it; prefixed or off a terminal, to the
// step's line stream.
func TestProgressTerminal(t *testing.T) {
	for _, tc := range []struct {
		name            string
		term, prefix    bool
		keepTail, drawn bool
	}{
		{"terminal", true, false, false, true},
		{"terminal retryOnErrors", true, false, true, true},
		{"prefixed", true, true, true, false},
		{"pipe", false, false, true, false},
	} {
		var out bytes.Buffer
		m := secrets.NewMasker()
		m.Add("hunter2-secret")
		sink := output.New(output.Options{Out: &out, Masker: m, Terminal: tc.term, TerminalFd: 7})
		r := &run{c: newConsole(sink, tc.prefix)}
		so := newStepOutput(r.c, "b", tc.keepTail)
		w := r.progress(so)
		ts, isTerm := w.(engine.Terminal)
		if isTerm != tc.drawn || isTerm && ts.TerminalFd() != 7 {
			t.Errorf("%s: terminal writer %v, want %v", tc.name, isTerm, tc.drawn)
		}
		if _, err := w.Write([]byte("\x1b[1Atoken hunter2-secret: no space left on device\n")); err != nil {
			t.Fatal(err)
		}
		so.Flush()
		if got := out.String(); strings.Contains(got, "hunter2") || !strings.Contains(got, "no space left") {
			t.Errorf("%s: output %q, want it masked", tc.name, got)
		}
		if tc.keepTail && !so.tail.ContainsAny([]string{"no space left on device"}) {
			t.Errorf("%s: the tail misses the progress output", tc.name)
		}
	}
}
