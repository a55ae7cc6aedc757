package output

// TerminalFd returns the file descriptor of the terminal the sink's output
// stream is, and whether there is one: text format, not quiet, made with
// Options.Terminal. Engine progress is then drawn as the docker CLI draws
// it (Stream.Progress).
func (s *Sink) TerminalFd() (uintptr, bool) { return s.termFd, s.term }

// ProgressWriter is a Stream's writer for progress drawn on a terminal
// (engine.Terminal): bytes go to the terminal as written — carriage
// returns and cursor moves kept, not cut into lines — masked chunk by
// chunk.
type ProgressWriter struct {
	st *Stream
}

// Progress returns the stream's terminal writer; use it only when
// Sink.TerminalFd reports a terminal.
func (w *Stream) Progress() *ProgressWriter { return &ProgressWriter{st: w} }

// Write flushes the stream's pending line, then writes p masked.
func (p *ProgressWriter) Write(b []byte) (int, error) {
	p.st.Flush()
	s := p.st.lines.s
	masked := s.Mask(string(b))
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = s.outW.Write([]byte(masked)) // a closed terminal must not fail the step
	return len(b), nil
}

// TerminalFd is the terminal's file descriptor (engine.Terminal).
func (p *ProgressWriter) TerminalFd() uintptr { return p.st.lines.s.termFd }
