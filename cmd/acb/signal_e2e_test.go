package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
)

// buildAcb compiles the acb binary into a test temp dir.
func buildAcb(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "acb")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestE2ESignalsAndTimeout runs acb as a subprocess on a task with a long
// step (and a detached server), interrupts it with SIGINT or SIGTERM once
// the long step runs, or lets --timeout expire, and checks that it exits
// promptly with 128 + the signal's number (1 after a timeout) and leaves
// nothing behind.
func TestE2ESignalsAndTimeout(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	bin := buildAcb(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": `steps:
  - id: srv
    cmd: ` + bb + ` httpd -f -p 8080 -h /www
    detach: true
  - id: side
    when: ["-"]
    cmd: ` + bb + ` sleep 60
  - id: long
    when: ["srv"]
    cmd: ` + bb + ` sleep 60
  - id: after
    cmd: ` + bb + ` true
`})
	for _, c := range []struct {
		name string
		sig  syscall.Signal // 0: no signal, --timeout 10s
		want string
		code int
	}{
		{"SIGINT", syscall.SIGINT, "context canceled", exitSIGINT},
		{"SIGTERM", syscall.SIGTERM, "context canceled", exitSIGTERM},
		{"timeout", 0, "timed out", exitFailed},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			id := e2eID("sg")
			args := []string{"run", dir, "--id", id, "--unique-names", "--pull", "never"}
			if c.sig == 0 {
				args = append(args, "--timeout", "10s") // the whole run: set-up under load included
			}
			cmd := exec.Command(bin, args...)
			var stdout bytes.Buffer
			var stderr lockedBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() {
				if cmd.ProcessState == nil { // a failed test: let acb clean up, then kill
					_ = cmd.Process.Signal(syscall.SIGTERM)
					select {
					case <-exited:
					case <-time.After(30 * time.Second):
						_ = cmd.Process.Kill()
						<-exited
					}
				}
				if t.Failed() {
					t.Logf("stderr:\n%s\nstdout:\n%s", stderr.String(), stdout.String())
				}
			})
			if !waitFor(t, time.Minute, stderr.String, "Launching container with name: long-"+id) {
				t.Fatal("the long step did not start")
			}
			start := time.Now()
			if c.sig != 0 {
				time.Sleep(200 * time.Millisecond)
				if err := cmd.Process.Signal(c.sig); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case <-exited:
			case <-time.After(45 * time.Second):
				t.Fatalf("acb still runs 45s after %s", c.name)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("acb took %v to exit after %s", d, c.name)
			}
			if code := cmd.ProcessState.ExitCode(); code != c.code {
				t.Errorf("exit %d, want %d", code, c.code)
			}
			log := stderr.String()
			if !strings.Contains(log, "Run ID: "+id+" failed after ") || !strings.Contains(log, c.want) {
				t.Errorf("no final failure line with %q", c.want)
			}
			if strings.Contains(log, "Failed to remove") || strings.Contains(log, "Failed to delete") {
				t.Error("clean-up reported failures")
			}
			testenv.AssertNoLeftovers(t, id)
		})
	}
}
