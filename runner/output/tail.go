package output

// tailLines is how many of a step's last output lines a Sink keeps when
// Options.KeepTails is set.
const tailLines = 100

// tails keeps the last output lines of every step, masked and without
// escape sequences, for the JUnit file's failure text. Guarded by the
// sink's mutex.
type tails map[string][]string

func (t tails) add(step string, line []byte) {
	l := append(t[step], string(line))
	if len(l) > tailLines {
		l = append(l[:0], l[len(l)-tailLines:]...)
	}
	t[step] = l
}

// Tail returns the last lines (at most 100) a step wrote to stdout and
// stderr, in order, masked and without ANSI sequences; nil unless the sink
// was made with Options.KeepTails. Quiet sinks keep them too.
func (s *Sink) Tail(step string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tails[step]...)
}

// keepTail records a line of step output.
func (s *Sink) keepTail(step string, line []byte) {
	if s.tails == nil {
		return
	}
	if s.color {
		line = StripANSI(line)
	}
	s.mu.Lock()
	s.tails.add(step, line)
	s.mu.Unlock()
}
