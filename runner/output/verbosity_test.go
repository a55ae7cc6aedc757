package output

import (
	"bytes"
	"strings"
	"testing"
)

// TestVerbosity checks what -q and -v show: quiet keeps errors and the
// run's final line (no step output, no report, no blank line), normal
// hides debug lines, verbose shows them.
func TestVerbosity(t *testing.T) {
	write := func(v Verbosity) string {
		var b bytes.Buffer
		s := New(Options{Log: &b, Out: &b, Verbosity: v})
		s.Event(Debug, EventDebug).Msg("debug line")
		s.Event(Info, EventStep).Msg("info line")
		s.Event(Warn, EventWarning).Msg("warn line")
		s.Event(Error, EventFailure).Msg("error line")
		st := s.Stream("a", "stdout", false)
		st.Write([]byte("output line\n"))
		st.Flush()
		s.Raw("report\n")
		s.Blank()
		s.Event(Info, EventRun).Bare().Msg("final line")
		return b.String()
	}
	for _, c := range []struct {
		v         Verbosity
		want, not []string
	}{
		{Quiet, []string{"error line", "final line"}, []string{"debug line", "info line", "warn line", "output line", "report", "\n\n"}},
		{Normal, []string{"info line", "warn line", "error line", "output line", "report", "final line"}, []string{"debug line"}},
		{Verbose, []string{"debug line", "info line", "output line", "final line"}, nil},
	} {
		got := write(c.v)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("verbosity %d lacks %q:\n%s", c.v, w, got)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("verbosity %d shows %q:\n%s", c.v, n, got)
			}
		}
	}
}

// TestStripANSI checks that colour and cursor sequences are removed and
// that a secret split by them is masked once they are gone.
func TestStripANSI(t *testing.T) {
	if got := string(StripANSI([]byte("\x1b[31mred\x1b[0m \x1b]0;title\x07done\x1b[2K"))); got != "red done" {
		t.Errorf("StripANSI = %q", got)
	}
	var b bytes.Buffer
	s := New(Options{Out: &b})
	s.Masker().Add("s3cret")
	st := s.Stream("a", "stdout", false)
	st.Write([]byte("s3c\x1b[1mret\n"))
	st.Flush()
	if b.String() != "***\n" {
		t.Errorf("masked after stripping: %q", b.String())
	}
}
