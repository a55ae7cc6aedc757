package docker

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	bkclient "github.com/moby/buildkit/client"
	"golang.org/x/term"
)

// showBuild runs a BuildKit display for out over a short build: two
// steps, the second printing a log line while it runs, both finished by
// the end.
func showBuild(t *testing.T, out io.Writer) {
	t.Helper()
	d, err := buildKitDisplay(out)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	end := start.Add(300 * time.Millisecond)
	const a, b = "sha256:aaaa", "sha256:bbbb"
	ch := make(chan *bkclient.SolveStatus, 3)
	ch <- &bkclient.SolveStatus{Vertexes: []*bkclient.Vertex{
		{Digest: a, Name: "[1/2] FROM docker.io/acbtest/busybox:1", Started: &start},
		{Digest: b, Name: "[2/2] RUN echo hello", Started: &start},
	}, Logs: []*bkclient.VertexLog{{Vertex: b, Stream: 1, Data: []byte("hello from the step\n"), Timestamp: start}}}
	ch <- &bkclient.SolveStatus{Vertexes: []*bkclient.Vertex{
		{Digest: a, Name: "[1/2] FROM docker.io/acbtest/busybox:1", Started: &start, Completed: &end},
		{Digest: b, Name: "[2/2] RUN echo hello", Started: &start, Completed: &end},
	}}
	close(ch)
	if _, err := d.UpdateFrom(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
}

// openPTY opens a pseudo-terminal of the given width; the test closes it.
func openPTY(t *testing.T, cols uint16) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close(); ptmx.Close() })
	if err := pty.Setsize(tty, &pty.Winsize{Rows: 40, Cols: cols}); err != nil {
		t.Fatal(err)
	}
	return ptmx, tty
}

// cursorUp is the escape sequence moving the cursor up n lines.
var cursorUp = regexp.MustCompile(`\x1b\[\d+A`)

// TestBuildKitDisplayTerminal checks that a build's progress on a terminal
// is BuildKit's tty display, written to acb's writer (not to the terminal
// behind it) at the terminal's width, and that the display leaves the
// terminal as it was (open, same modes) with the cursor on a fresh line
// below its final frame.
func TestBuildKitDisplayTerminal(t *testing.T) {
	_, tty := openPTY(t, 57)
	before, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.WriteString("Step ID: b\n")
	showBuild(t, terminalWriter{Writer: &buf, fd: tty.Fd()})
	buf.WriteString("next line\n")
	got := buf.String()

	if !strings.Contains(got, "[+] Building") || !strings.Contains(got, "\x1b[?25l") || !cursorUp.MatchString(got) {
		t.Errorf("no tty display (header, hidden cursor, cursor moved up):\n%q", got)
	}
	if strings.Contains(got, "#1 ") || strings.Contains(got, "#2 ") {
		t.Errorf("plain lines on a terminal:\n%q", got)
	}
	if !strings.Contains(got, "hello from the step") {
		t.Errorf("the running step's log is not shown:\n%q", got)
	}
	header := got[strings.Index(got, "[+] Building"):]
	header = header[:strings.IndexByte(header, '\n')]
	if len(header) != 57 {
		t.Errorf("header %q is %d wide, want the terminal's 57 columns", header, len(header))
	}

	screen := emulate(got)
	want := []string{"Step ID: b", "[+] Building", " => [1/2] FROM docker.io/acbtest/busybox:1", " => [2/2] RUN echo hello", "next line"}
	if len(screen) != len(want) {
		t.Fatalf("screen has %d lines, want %d:\n%s", len(screen), len(want), strings.Join(screen, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(screen[i], w) {
			t.Errorf("screen line %d %q, want %q...", i+1, screen[i], w)
		}
	}
	if !strings.Contains(screen[1], "FINISHED") {
		t.Errorf("final frame's header %q is not FINISHED", screen[1])
	}

	after, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatalf("terminal closed by the display: %v", err)
	}
	if *after != *before {
		t.Errorf("terminal modes changed:\nbefore %+v\nafter  %+v", *before, *after)
	}
}

// plainLine is a vertex line of BuildKit's plain progress.
var plainLine = regexp.MustCompile(`(?m)^#[12] \[1/2\] FROM docker.io/acbtest/busybox:1$`)

// TestBuildKitDisplayPlain checks that progress off a terminal, or on a
// writer claiming a descriptor that is not a terminal, is BuildKit's
// plain lines.
func TestBuildKitDisplayPlain(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, tc := range []struct {
		name string
		out  func(io.Writer) io.Writer
	}{
		{"writer", func(b io.Writer) io.Writer { return b }},
		{"pipe claimed a terminal", func(b io.Writer) io.Writer { return terminalWriter{Writer: b, fd: w.Fd()} }},
	} {
		var buf bytes.Buffer
		showBuild(t, tc.out(&buf))
		got := buf.String()
		if !plainLine.MatchString(got) || !strings.Contains(got, " 0.000 hello from the step\n") ||
			strings.Contains(got, "\x1b[") || strings.Contains(got, "[+] Building") {
			t.Errorf("%s: want plain lines:\n%s", tc.name, got)
		}
	}
}

// TestConsoleFile checks the console.File progressui gets: writes go to
// acb's writer, the descriptor is the terminal's, there is no input and
// closing leaves the terminal open.
func TestConsoleFile(t *testing.T) {
	_, tty := openPTY(t, 80)
	var buf bytes.Buffer
	f := consoleFile{terminalWriter{Writer: &buf, fd: tty.Fd()}}
	if _, err := f.Write([]byte("x")); err != nil || buf.String() != "x" {
		t.Errorf("write: %v, %q", err, buf.String())
	}
	if n, err := f.Read(make([]byte, 8)); n != 0 || !errors.Is(err, io.EOF) {
		t.Errorf("read: %d, %v; want 0, EOF", n, err)
	}
	if f.Fd() != tty.Fd() || f.Name() != "/dev/fd/"+strconv.Itoa(int(tty.Fd())) {
		t.Errorf("fd %d name %q, want the terminal's %d", f.Fd(), f.Name(), tty.Fd())
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if !term.IsTerminal(int(tty.Fd())) {
		t.Errorf("terminal closed")
	}
}

// emulate draws terminal output on a screen the way a terminal does (line
// feeds with carriage return, as a tty's onlcr makes them; cursor up,
// down and column moves; erase in line) and returns its lines, trailing
// blanks trimmed and trailing empty lines dropped.
func emulate(s string) []string {
	var screen [][]rune
	y, x := 0, 0
	put := func(r rune) {
		for len(screen) <= y {
			screen = append(screen, nil)
		}
		for len(screen[y]) <= x {
			screen[y] = append(screen[y], ' ')
		}
		screen[y][x] = r
		x++
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\n':
			y, x = y+1, 0
		case r == '\r':
			x = 0
		case r == 0x1b && i+1 < len(rs) && rs[i+1] == '[':
			j := i + 2
			for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || rs[j] == ';' || rs[j] == '?') {
				j++
			}
			if j == len(rs) {
				return nil
			}
			n, err := strconv.Atoi(string(rs[i+2 : j]))
			if err != nil || n < 1 {
				n = 1
			}
			switch rs[j] {
			case 'A':
				y = max(0, y-n)
			case 'B':
				y += n
			case 'G':
				x = n - 1
			case 'K':
				if y < len(screen) && x < len(screen[y]) {
					screen[y] = screen[y][:x]
				}
			}
			i = j
		default:
			put(r)
		}
	}
	lines := make([]string, len(screen))
	for i, l := range screen {
		lines[i] = strings.TrimRight(string(l), " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
