package runner

import (
	"bytes"
	"strings"
	"sync"
)

// maxLine is the longest partial line a lineWriter buffers before it
// emits it as a line of its own.
const maxLine = 64 << 10

// maxTail is how much of an attempt's output is kept for retryOnErrors.
const maxTail = 1 << 20

// lineWriter turns a step's output stream into whole lines on the
// console. It is safe for use by one writer goroutine; Flush emits a
// trailing partial line.
type lineWriter struct {
	c      *console
	step   string
	stream string
	buf    []byte
	tail   *tailBuffer // nil unless the step has retryOnErrors
}

func (w *lineWriter) Write(p []byte) (int, error) {
	if w.tail != nil {
		w.tail.Write(p)
	}
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.buf = append(w.buf, p...)
			if len(w.buf) >= maxLine {
				w.emit(w.buf)
				w.buf = w.buf[:0]
			}
			break
		}
		if len(w.buf) > 0 {
			w.buf = append(w.buf, p[:i]...)
			w.emit(w.buf)
			w.buf = w.buf[:0]
		} else {
			w.emit(p[:i])
		}
		p = p[i+1:]
	}
	return n, nil
}

func (w *lineWriter) emit(line []byte) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	w.c.line(w.step, w.stream, line)
}

// Flush emits a buffered partial line.
func (w *lineWriter) Flush() {
	if len(w.buf) > 0 {
		w.emit(w.buf)
		w.buf = w.buf[:0]
	}
}

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
	stdout, stderr *lineWriter
	tail           *tailBuffer
}

func newStepOutput(c *console, step string, keepTail bool) *stepOutput {
	o := &stepOutput{}
	if keepTail {
		o.tail = &tailBuffer{}
	}
	o.stdout = &lineWriter{c: c, step: step, stream: "stdout", tail: o.tail}
	o.stderr = &lineWriter{c: c, step: step, stream: "stderr", tail: o.tail}
	return o
}

// Flush emits both streams' partial lines.
func (o *stepOutput) Flush() {
	o.stdout.Flush()
	o.stderr.Flush()
}
