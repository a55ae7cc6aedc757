package runner

import (
	"bytes"
	"strings"
	"sync"

	"github.com/acb-dev/acb/secrets"
)

// maxLine is the longest partial line a lineWriter buffers before it
// emits it as a line of its own.
const maxLine = 64 << 10

// maxTail is how much of an attempt's output is kept for retryOnErrors.
const maxTail = 1 << 20

// streamWriter is what a step writes one output stream (stdout or
// stderr) to. The stream is masked as a whole by a secrets.MaskWriter, so a
// secret split across writes (the engine's chunks) or spanning lines is
// masked, and only then cut into lines: the console still writes whole
// lines, so parallel steps never interleave inside a line.
type streamWriter struct {
	mask  *secrets.MaskWriter // writes masked bytes to lines
	lines *lineWriter
	tail  *tailBuffer // nil unless the step has retryOnErrors
}

// Write records p for retryOnErrors and masks it; masked output reaches
// the console as soon as the MaskWriter knows it holds no secret.
func (w *streamWriter) Write(p []byte) (int, error) {
	if w.tail != nil {
		w.tail.Write(p)
	}
	if _, err := w.mask.Write(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what the MaskWriter holds back and the trailing partial
// line. A secret straddling a Flush is not masked whole, so it is called
// only at the end of an attempt or of the step.
func (w *streamWriter) Flush() {
	_ = w.mask.Flush() // lineWriter never fails
	w.lines.Flush()
}

// lineWriter turns masked output into whole lines on the console. It is
// safe for use by one writer goroutine (its MaskWriter serialises writes);
// Flush emits a trailing partial line.
type lineWriter struct {
	c      *console
	step   string
	stream string
	buf    []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
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
	w.c.maskedLine(w.step, w.stream, line)
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
	lines := &lineWriter{c: c, step: step, stream: name}
	return &streamWriter{mask: c.masker.Writer(lines), lines: lines, tail: tail}
}

// Flush emits both streams' partial lines.
func (o *stepOutput) Flush() {
	o.stdout.Flush()
	o.stderr.Flush()
}
