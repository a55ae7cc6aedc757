package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
)

// TestE2EHostShellEnvNotOnCommandLine runs a host-shell step whose env
// holds a secret on the real engine with the docker CLI: the value reaches
// the container, and no process's command line (what ps shows every local
// user) ever holds it.
func TestE2EHostShellEnvNotOnCommandLine(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	id := e2eID("hs")
	t.Cleanup(func() { testenv.AssertNoLeftovers(t, id) })
	const secret = "hostshell-Secret-42"
	task := filepath.Join(t.TempDir(), "task.yaml")
	body := "version: v1.1.0\nsteps:\n  - id: s\n    env: [\"T={{.Values.tok}}\", \"M=two\\nlines\"]\n" +
		"    cmd: " + bb + " sh -c 'echo $T | rev; echo \"$M\" | wc -l; sleep 2' | cat\n"
	if err := os.WriteFile(task, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	var seen atomic.Value
	seen.Store("")
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // scan every process's command line while the run goes on
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
			for _, p := range cmdlines {
				b, err := os.ReadFile(p)
				if err == nil && strings.Contains(string(b), secret) {
					seen.Store(strings.ReplaceAll(string(b), "\x00", " "))
				}
			}
		}
	}()
	r := acbRun(t, "run", "-f", task, "/dev/null", "--id", id, "--unique-names", "--pull", "never",
		"--allow-host-shell", "--set-secret", "tok="+secret)
	close(stop)
	<-done
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	if s := seen.Load().(string); s != "" {
		t.Errorf("the secret was on a command line: %s", s)
	}
	if !strings.Contains(r.out, "24-terceS-llehstsoh") || !strings.Contains(r.out, "2") {
		t.Errorf("the step did not get its env: %q", r.out)
	}
}
