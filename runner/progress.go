package runner

import (
	"io"

	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/output"
)

// progress is where a step's engine progress (pulls, pushes, classic
// builds) goes: drawn in place, as the docker CLI draws it, when the
// output is a terminal and not prefixed (parallel steps' prefixed lines
// cannot be rewritten in place); otherwise the step's stdout stream, one
// line per phase. Drawn progress is recorded for retryOnErrors too.
func (r *run) progress(out *stepOutput) io.Writer {
	if _, ok := r.c.sink.TerminalFd(); ok && !r.c.prefix {
		p := out.stdout.out.Progress()
		if out.tail != nil {
			return &tailedProgress{ProgressWriter: p, tail: out.tail}
		}
		return p
	}
	return out.stdout
}

// tailedProgress is a terminal progress writer that also records what it
// draws in a step's tail, where retryOnErrors looks for its strings.
type tailedProgress struct {
	*output.ProgressWriter
	tail *tailBuffer
}

func (w *tailedProgress) Write(p []byte) (int, error) {
	w.tail.Write(p)
	return w.ProgressWriter.Write(p)
}

// syncedOut serialises writes to w (see syncWriter), keeping it an
// engine.Terminal when it is one.
func syncedOut(w io.Writer) io.Writer {
	sw := &syncWriter{w: w}
	if t, ok := w.(engine.Terminal); ok {
		return &syncTerminal{syncWriter: sw, fd: t.TerminalFd()}
	}
	return sw
}

// syncTerminal is a syncWriter to a terminal.
type syncTerminal struct {
	*syncWriter
	fd uintptr
}

// TerminalFd implements engine.Terminal.
func (s *syncTerminal) TerminalFd() uintptr { return s.fd }
