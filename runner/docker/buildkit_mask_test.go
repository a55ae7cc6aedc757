package docker

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	bkclient "github.com/moby/buildkit/client"

	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/secrets"
)

const maskedSecret = "tok-9f3b2a7c61"

func testMask() *engine.ProgressMask {
	m := secrets.NewMasker(maskedSecret)
	return &engine.ProgressMask{Text: m.String, Stream: func(w io.Writer) io.WriteCloser { return m.Writer(w) }}
}

// collect sends sts through maskProgress and returns what comes out.
func collect(sts ...*bkclient.SolveStatus) []*bkclient.SolveStatus {
	in := make(chan *bkclient.SolveStatus, len(sts))
	for _, s := range sts {
		in <- s
	}
	close(in)
	var out []*bkclient.SolveStatus
	for s := range maskProgress(in, testMask()) {
		out = append(out, s)
	}
	return out
}

// TestMaskProgress: a secret BuildKit sends split over two chunks of one
// stream is masked (the other stream in between does not disturb it), as
// are secrets in step names, errors, statuses and warnings; what a stream
// holds back comes out before the status completing its step, with the
// chunk's time.
func TestMaskProgress(t *testing.T) {
	start := time.Now()
	end := start.Add(time.Second)
	at := start.Add(300 * time.Millisecond)
	const v = "sha256:bbbb"
	out := collect(
		&bkclient.SolveStatus{
			Vertexes: []*bkclient.Vertex{{Digest: v, Name: "[2/2] RUN echo " + maskedSecret, Started: &start}},
			Statuses: []*bkclient.VertexStatus{{ID: "pulling " + maskedSecret, Vertex: v}},
			Warnings: []*bkclient.VertexWarning{{Vertex: v, Short: []byte("uses " + maskedSecret), Detail: [][]byte{[]byte(maskedSecret)}}},
			Logs: []*bkclient.VertexLog{
				{Vertex: v, Stream: 1, Data: []byte("token: tok-9f3"), Timestamp: start},
				{Vertex: v, Stream: 2, Data: []byte("stderr line\n"), Timestamp: start},
			},
		},
		&bkclient.SolveStatus{Logs: []*bkclient.VertexLog{{Vertex: v, Stream: 1, Data: []byte("b2a7c61 done\nlast tok-9f"), Timestamp: at}}},
		&bkclient.SolveStatus{Vertexes: []*bkclient.Vertex{{Digest: v, Name: "[2/2] RUN echo " + maskedSecret, Started: &start, Completed: &end, Error: "exit 1: " + maskedSecret}}},
	)
	var stdout strings.Builder
	completedAt := -1
	var before string // stream 1 as sent before the completing status
	var held *bkclient.VertexLog
	for i, s := range out {
		for _, x := range s.Vertexes {
			if strings.Contains(x.Name, maskedSecret) || strings.Contains(x.Error, maskedSecret) {
				t.Errorf("vertex %q / %q not masked", x.Name, x.Error)
			}
			if x.Completed != nil && completedAt < 0 {
				completedAt = i
				before = stdout.String()
			}
		}
		for _, x := range s.Statuses {
			if strings.Contains(x.ID, maskedSecret) {
				t.Errorf("status %q not masked", x.ID)
			}
		}
		for _, w := range s.Warnings {
			if bytes.Contains(w.Short, []byte(maskedSecret)) || bytes.Contains(bytes.Join(w.Detail, nil), []byte(maskedSecret)) {
				t.Errorf("warning %q %q not masked", w.Short, w.Detail)
			}
		}
		for _, l := range s.Logs {
			if l.Stream == 1 {
				stdout.Write(l.Data)
				if len(s.Vertexes) == 0 && i == len(out)-2 {
					held = l
				}
			}
		}
	}
	if got := stdout.String(); got != "token: *** done\nlast tok-9f" {
		t.Errorf("stdout %q, want %q", got, "token: *** done\nlast tok-9f")
	}
	if before != stdout.String() {
		t.Errorf("stdout before the step completed %q, want all of it", before)
	}
	if held == nil || !held.Timestamp.Equal(at) {
		t.Errorf("held-back bytes %+v, want a status of their own before the completion, dated %v", held, at)
	}
}

// TestMaskProgressCompletionCarriesLogs: a status that brings a step's
// last chunk and its completion together gets the chunk's held-back rest
// in that same status, after its other logs.
func TestMaskProgressCompletionCarriesLogs(t *testing.T) {
	start := time.Now()
	end := start.Add(time.Second)
	const v = "sha256:dddd"
	out := collect(&bkclient.SolveStatus{
		Vertexes: []*bkclient.Vertex{{Digest: v, Name: "[1/1] RUN x", Started: &start, Completed: &end}},
		Logs:     []*bkclient.VertexLog{{Vertex: v, Stream: 1, Data: []byte("value " + maskedSecret + "\nends tok-9"), Timestamp: start}},
	})
	if len(out) != 1 {
		t.Fatalf("%d statuses, want 1: %+v", len(out), out)
	}
	var got strings.Builder
	for _, l := range out[0].Logs {
		got.Write(l.Data)
	}
	if got.String() != "value ***\nends tok-9" {
		t.Errorf("logs %q, want %q", got.String(), "value ***\nends tok-9")
	}
}

// TestMaskProgressTerminalWrap: on a terminal narrower than a log line,
// BuildKit's live display wraps the line over two rows, which splits a
// secret where a masking writer behind the display no longer sees it
// whole (the control run shows it does). Masked before the display, no
// part of the secret shows.
func TestMaskProgressTerminalWrap(t *testing.T) {
	t.Parallel()
	control := showLongLines(t, false)
	if !strings.Contains(control, maskedSecret) {
		t.Fatalf("control: the display did not split the secret over two rows as this test expects:\n%q", control)
	}
	got := showLongLines(t, true)
	if strings.Contains(got, "tok-9f") || strings.Contains(got, "c61") {
		t.Errorf("a part of the secret shows on the terminal:\n%q", got)
	}
	if !strings.Contains(got, "x***") {
		t.Errorf("no masked line on the terminal:\n%q", got)
	}
}

// showLongLines draws a running step printing the secret at offsets
// around a 40-column terminal's width, through acb's masking writer, with
// maskProgress in front of the display or not, and returns what the
// terminal shows with escape sequences removed and each wrapped row
// joined to the row it continues.
func showLongLines(t *testing.T, masked bool) string {
	t.Helper()
	const cols = 40
	_, tty := openPTY(t, cols)
	m := secrets.NewMasker(maskedSecret)
	var buf bytes.Buffer
	mw := m.Writer(&buf)
	d, err := buildKitDisplay(terminalWriter{Writer: mw, fd: tty.Fd()})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	end := start.Add(2 * time.Second)
	const v, name = "sha256:cccc", "[2/2] RUN ./print-token"
	in := make(chan *bkclient.SolveStatus)
	go func() {
		defer close(in)
		in <- &bkclient.SolveStatus{Vertexes: []*bkclient.Vertex{{Digest: v, Name: name, Started: &start}}}
		// The display redraws about every 100 ms, showing the running
		// step's last lines.
		for pad := cols - 20; pad < cols-8; pad++ {
			in <- &bkclient.SolveStatus{Logs: []*bkclient.VertexLog{{Vertex: v, Stream: 1, Timestamp: time.Now(),
				Data: []byte(strings.Repeat("x", pad) + maskedSecret + "\n")}}}
			time.Sleep(110 * time.Millisecond)
		}
		// Still running for a few more redraws, so even a slow machine
		// draws the last lines before the step completes (a completed
		// step's lines are no longer shown).
		time.Sleep(400 * time.Millisecond)
		in <- &bkclient.SolveStatus{Vertexes: []*bkclient.Vertex{{Digest: v, Name: name, Started: &start, Completed: &end}}}
	}()
	ch := in
	if masked {
		ch = maskProgress(in, testMask())
	}
	if _, err := d.UpdateFrom(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	_ = mw.Close()
	plain := ansiEscape.ReplaceAllString(buf.String(), "")
	return strings.ReplaceAll(plain, "\n => => # ", "")
}

// ansiEscape matches the display's escape sequences.
var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)
