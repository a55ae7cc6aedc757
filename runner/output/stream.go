package output

import (
	"bytes"

	"github.com/acb-dev/acb/secrets"
)

// maxLine is the longest partial line a Stream buffers before it writes it
// as a line of its own.
const maxLine = 64 << 10

// Stream is what a step writes one output stream (stdout or stderr) to.
// The stream is masked as a whole by a secrets.MaskWriter, so a secret
// split across writes (the engine's chunks) or spanning lines is masked,
// and only then cut into lines: the sink still writes whole lines. A
// Stream is used by one writer goroutine.
type Stream struct {
	mask  *secrets.MaskWriter // writes masked bytes to lines
	lines *lineWriter
}

// Stream returns the writer of one output stream ("stdout" or "stderr") of
// step. With prefix, text lines start with "<step> | ".
func (s *Sink) Stream(step, name string, prefix bool) *Stream {
	lines := &lineWriter{s: s, step: step, stream: name, prefix: prefix}
	return &Stream{mask: s.masker.Writer(lines), lines: lines}
}

// Write masks p; masked output reaches the sink as soon as the MaskWriter
// knows it holds no secret.
func (w *Stream) Write(p []byte) (int, error) {
	if _, err := w.mask.Write(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what the MaskWriter holds back and the trailing partial
// line. A secret straddling a Flush is not masked whole, so call it only at
// the end of an attempt or of the step.
func (w *Stream) Flush() {
	_ = w.mask.Flush() // lineWriter never fails
	w.lines.Flush()
}

// lineWriter turns masked output into whole lines on the sink.
type lineWriter struct {
	s      *Sink
	step   string
	stream string
	prefix bool
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
	w.s.outputLine(w.step, w.stream, w.prefix, line)
}

// Flush emits a buffered partial line.
func (w *lineWriter) Flush() {
	if len(w.buf) > 0 {
		w.emit(w.buf)
		w.buf = w.buf[:0]
	}
}

// outputLine writes one line of step output (without its newline), already
// masked by the stream's MaskWriter.
//
// In text format stderr lines go to the log stream (acb's stderr), as
// `docker run` and acr-builder show a step's stderr; in JSON format every
// line is an object on the output stream with its stream named.
func (s *Sink) outputLine(step, stream string, prefix bool, line []byte) {
	line = s.plain(line)
	s.keepTail(step, line)
	if s.verbosity == Quiet {
		return
	}
	if s.json {
		s.out.Info().Str(FieldTime, jsonTime(s.now())).Str(FieldEvent, EventOutput).Str(FieldStep, step).
			Str(FieldStream, stream).Str(FieldLine, string(line)).Send()
		return
	}
	var b []byte
	if prefix && step != "" {
		b = make([]byte, 0, len(step)+len(line)+4)
		b = append(b, step...)
		b = append(b, " | "...)
	} else {
		b = make([]byte, 0, len(line)+1)
	}
	b = append(b, line...)
	b = append(b, '\n')
	w := s.outW
	if stream == "stderr" {
		w = s.logW
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = w.Write(b) // output errors (a closed stdout) must not fail the step
}
