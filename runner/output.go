package runner

import (
	"strings"
	"sync"

	"github.com/acb-dev/acb/runner/output"
)

// maxTail is how much of an attempt's output is kept for retryOnErrors.
const maxTail = 1 << 20

// streamWriter is what a step writes one output stream (stdout or
// stderr) to: the sink's masked, line-cutting stream, plus the tail kept
// for retryOnErrors.
type streamWriter struct {
	out  *output.Stream
	tail *tailBuffer // nil unless the step has retryOnErrors
}

// Write records p for retryOnErrors and writes it to the sink's stream.
func (w *streamWriter) Write(p []byte) (int, error) {
	if w.tail != nil {
		w.tail.Write(p)
	}
	return w.out.Write(p)
}

// Flush writes the stream's held-back and partial output; see
// output.Stream.Flush.
func (w *streamWriter) Flush() { w.out.Flush() }

// tailBuffer keeps the last maxTail bytes written to it; it is shared by
// a step's stdout and stderr writers.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - maxTail; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
}

// Reset forgets everything written.
func (t *tailBuffer) Reset() {
	t.mu.Lock()
	t.buf = t.buf[:0]
	t.mu.Unlock()
}

// ContainsAny reports whether the kept output contains one of subs.
func (t *tailBuffer) ContainsAny(subs []string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(t.buf)
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// stepOutput is a step's pair of output writers.
type stepOutput struct {
	stdout, stderr *streamWriter
	tail           *tailBuffer
}

func newStepOutput(c *console, step string, keepTail bool) *stepOutput {
	o := &stepOutput{}
	if keepTail {
		o.tail = &tailBuffer{}
	}
	o.stdout = c.stream(step, "stdout", o.tail)
	o.stderr = c.stream(step, "stderr", o.tail)
	return o
}

// stream returns a masked, line-cutting writer for one output stream of
// step.
func (c *console) stream(step, name string, tail *tailBuffer) *streamWriter {
	return &streamWriter{out: c.sink.Stream(step, name, c.prefix), tail: tail}
}

// Flush emits both streams' partial lines.
func (o *stepOutput) Flush() {
	o.stdout.Flush()
	o.stderr.Flush()
}
