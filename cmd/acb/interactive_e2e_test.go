package main

import (
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/acb-dev/acb/internal/testenv"
)

// TestE2EInteractiveStepClosedStdin: an -i step reading its stdin while
// acb's stdin is not a terminal gets end-of-file at once and finishes.
func TestE2EInteractiveStepClosedStdin(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": "version: v1.1.0\nsteps:\n" +
		"  - id: reads\n    cmd: -i " + bb + " sh -c 'cat; echo stdin-ended'\n    timeout: 60\n" +
		"  - id: tty\n    cmd: -it " + bb + " sh -c 'read x || echo no-input'\n    timeout: 60\n"})
	id := e2eID("ic")
	start := time.Now()
	r := acbRun(t, "run", dir, "--id", id, "--unique-names", "--pull", "never")
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	if !strings.Contains(r.out, "stdin-ended") || !strings.Contains(r.out, "no-input") {
		t.Errorf("output %q", r.out)
	}
	if d := time.Since(start); d > 40*time.Second {
		t.Errorf("took %s: the steps waited for input", d)
	}
	testenv.AssertNoLeftovers(t, id)
}

// TestE2EInteractiveStepOnTerminal runs acb on a pseudo-terminal: an -it
// step reads a line typed on it, sees the terminal's size, and a later -i
// step reads the next line.
func TestE2EInteractiveStepOnTerminal(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	bin := buildAcb(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": "version: v1.1.0\nsteps:\n" +
		"  - id: ask\n    cmd: -it " + bb + " sh -c 'printf \"name? \"; read name; echo \"hello <$name>\"; sleep 0.5; stty size'\n    timeout: 60\n" +
		"  - id: after\n    cmd: " + bb + " echo after-ran\n"})
	id := e2eID("it")
	t.Cleanup(func() { removeRunObjects(t, id) })
	cmd := exec.Command(bin, "run", dir, "--id", id, "--unique-names", "--pull", "never")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 77})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	var screen lockedBuffer
	go func() { _, _ = io.Copy(&screen, ptmx) }()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("terminal:\n%s", screen.String())
		}
	})
	if !waitFor(t, 60*time.Second, screen.String, "name? ") { // the prompt shows without a newline
		t.Fatal("no prompt")
	}
	if _, err := io.WriteString(ptmx, "acb\r"); err != nil {
		t.Fatal(err)
	}
	if !waitFor(t, 20*time.Second, screen.String, "hello <acb>") {
		t.Fatal("the step did not read the typed line")
	}
	// Engines before 23.0 size a new TTY a moment after the start (docker
	// run -it shows 0x0 then too): the step waits half a second.
	if !waitFor(t, 20*time.Second, screen.String, "24 77") {
		t.Error("the step's terminal does not have acb's size")
	}
	if code := waitExit(t, cmd, 60*time.Second); code != 0 {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(screen.String(), "after-ran") {
		t.Error("the next step did not run")
	}
	testenv.AssertNoLeftovers(t, id)
}
