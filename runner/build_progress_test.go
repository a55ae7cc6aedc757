package runner

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestContextCounterLine checks the docker CLI's "Sending build context"
// line, written once when the engine has read the whole context.
func TestContextCounterLine(t *testing.T) {
	var out bytes.Buffer
	c := &contextCounter{r: strings.NewReader(strings.Repeat("x", 2_500_000)), out: &out}
	if _, err := io.Copy(io.Discard, io.LimitReader(c, 1000)); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Fatalf("line before the end of the context: %q", out.String())
	}
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatal(err)
	}
	_, _ = c.Read(make([]byte, 1)) // a second EOF writes nothing
	if got := out.String(); got != "Sending build context to Docker daemon  2.5MB\n\n" {
		t.Errorf("line %q", got)
	}
}

// termBuffer is a bytes.Buffer standing for a terminal.
type termBuffer struct{ bytes.Buffer }

func (*termBuffer) TerminalFd() uintptr { return 1 }

// TestContextCounterTerminal checks that on a terminal the line is drawn
// while the context is read and replaced by the final line.
func TestContextCounterTerminal(t *testing.T) {
	var out termBuffer
	c := &contextCounter{r: strings.NewReader(strings.Repeat("x", 3_000_000)), out: &out}
	if _, err := io.CopyBuffer(io.Discard, c, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.HasPrefix(got, "\r\x1b[2KSending build context to Docker daemon  8.192kB\r") ||
		!strings.HasSuffix(got, "\r\x1b[2KSending build context to Docker daemon  3MB\n\n") {
		t.Errorf("terminal output %q", got)
	}
}
