package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
)

// TestE2EWatch runs acb run --watch as a subprocess: the first run ends and
// acb waits; rewriting a context file runs the task again; a change while
// a step runs stops that run (its objects removed) and starts another;
// SIGINT ends acb with nothing left behind.
func TestE2EWatch(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	bin := buildAcb(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"acb.yaml": "version: v1.1.0\nsteps:\n" +
			"  - id: show\n    cmd: " + bb + " sh -c 'echo \"content=$(cat input.txt)\"; if grep -q slow input.txt; then sleep 60; fi'\n",
		"input.txt":     "one\n",
		".dockerignore": "ignored.txt\n",
		"ignored.txt":   "x\n",
	})
	id := e2eID("wa")
	t.Cleanup(func() { removeRunObjects(t, id) })
	cmd := exec.Command(bin, "run", dir, "--watch", "--id", id, "--unique-names", "--pull", "never")
	var out, errOut lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("stderr:\n%s\nstdout:\n%s", errOut.String(), out.String())
		}
	})
	if !waitFor(t, 60*time.Second, errOut.String, "Watching for changes (Ctrl-C to stop)") {
		t.Fatal("the first run did not end")
	}
	if !strings.Contains(out.String(), "content=one") {
		t.Fatalf("first run output %q", out.String())
	}
	// A .dockerignore'd file changes nothing.
	writeFiles(t, dir, map[string]string{"ignored.txt": "y\n"})
	time.Sleep(500 * time.Millisecond)
	if strings.Contains(errOut.String(), "Change detected") {
		t.Fatal("an ignored file triggered a run")
	}

	writeFiles(t, dir, map[string]string{"input.txt": "two slow\n"})
	if !waitFor(t, 60*time.Second, out.String, "content=two slow") {
		t.Fatal("no run after the change")
	}
	if !strings.Contains(errOut.String(), "Change detected in "+filepath.Join(dir, "input.txt")+": running again") &&
		!strings.Contains(errOut.String(), "input.txt: running again") {
		t.Errorf("no trigger line")
	}
	// The step now sleeps: a change stops this run and starts another.
	writeFiles(t, dir, map[string]string{"input.txt": "three\n"})
	if !waitFor(t, 60*time.Second, out.String, "content=three") {
		t.Fatal("no run after the change during a run")
	}
	if !strings.Contains(errOut.String(), "input.txt: the run was stopped; running again") {
		t.Error("no line for the stopped run")
	}
	deadline := time.Now().Add(60 * time.Second)
	for strings.Count(errOut.String(), "Watching for changes") < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Count(errOut.String(), "Watching for changes") < 2 {
		t.Fatal("the third run did not end")
	}
	if n := strings.Count(errOut.String(), "Change detected"); n != 2 {
		t.Errorf("%d trigger lines, want 2", n)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, 30*time.Second); code == -1 {
		t.Error("acb did not exit on SIGINT")
	}
	testenv.AssertNoLeftovers(t, id)
}
