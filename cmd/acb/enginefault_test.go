package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
)

// hungEngine listens on a unix socket, accepts every connection and never
// answers: an engine that hangs. It returns the DOCKER_HOST value.
func hungEngine(t *testing.T) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "hung.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never read or answered
			mu.Unlock()
		}
	}()
	return "unix://" + sock
}

func hungEngineTask(t *testing.T) string {
	t.Helper()
	task := filepath.Join(t.TempDir(), "task.yaml")
	if err := os.WriteFile(task, []byte("version: v1.1.0\nsteps:\n  - cmd: acbtest/busybox:1 true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return task
}

// TestRunTimeoutCoversEngineConnect: --timeout bounds the connection to an
// engine that accepts and never answers (its /_ping), with exit code 1.
func TestRunTimeoutCoversEngineConnect(t *testing.T) {
	t.Setenv("DOCKER_HOST", hungEngine(t))
	task := hungEngineTask(t)
	start := time.Now()
	out, errOut, code := runCLI(t, "run", "-f", task, "/dev/null", "--timeout", "1s", "--id", "hung1")
	elapsed := time.Since(start)
	if code != exitFailed || !strings.Contains(errOut, "timed out") || elapsed > 15*time.Second {
		t.Fatalf("exit %d after %s:\n%s%s", code, elapsed, out, errOut)
	}
}

// TestRunInterruptDuringEngineConnect: a signal (the run's context ends)
// while acb waits for a hung engine ends the run at once, exit code 1.
func TestRunInterruptDuringEngineConnect(t *testing.T) {
	t.Setenv("DOCKER_HOST", hungEngine(t))
	task := hungEngineTask(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(500*time.Millisecond, func() { cancel(newInterrupted(syscall.SIGINT)) })
	var out, errOut strings.Builder
	start := time.Now()
	code := run(ctx, []string{"run", "-f", task, "/dev/null", "--id", "hung2"}, strings.NewReader(""), &out, &errOut)
	elapsed := time.Since(start)
	if code != exitSIGINT || elapsed > 10*time.Second {
		t.Fatalf("exit %d after %s:\n%s%s", code, elapsed, out.String(), errOut.String())
	}
}

// freezableEngine is a unix-socket proxy to the real engine that can stop
// forwarding at any moment: an engine that freezes mid-run. It returns
// the DOCKER_HOST value and the function that freezes it; the proxy
// thaws and closes when the test ends.
func freezableEngine(t *testing.T) (host string, freeze func()) {
	t.Helper()
	real := strings.TrimPrefix(os.Getenv("DOCKER_HOST"), "unix://")
	if real == "" {
		real = "/var/run/docker.sock"
	}
	sock := filepath.Join(t.TempDir(), "freeze.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	frozen := make(chan struct{})
	thaw := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { close(thaw); ln.Close() })
	pass := func(dst, src net.Conn) {
		defer dst.Close()
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			select {
			case <-frozen:
				<-thaw // hold the bytes: the engine does not answer any more
				return
			default:
			}
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("unix", real)
			if err != nil {
				c.Close()
				continue
			}
			go pass(up, c)
			go pass(c, up)
		}
	}()
	return "unix://" + sock, func() { once.Do(func() { close(frozen) }) }
}

// TestRunEngineFreezesMidStep: the engine stops answering while a step
// runs. The first interrupt stops the run; the second ends the clean-up
// at once, and acb lists what it could not remove with the command that
// removes it.
func TestRunEngineFreezesMidStep(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	id := e2eID("fz")
	t.Cleanup(func() { testenv.RemoveLeftovers(t, id) }) // through the real engine: what the frozen run left
	host, freeze := freezableEngine(t)
	t.Setenv("DOCKER_HOST", host)
	task := filepath.Join(t.TempDir(), "task.yaml")
	if err := os.WriteFile(task, []byte("version: v1.1.0\nsteps:\n  - id: long\n    cmd: "+bb+" sleep 120\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	abort, cancelAbort := context.WithCancel(context.Background())
	defer cancelAbort()
	var out, errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(withAbort(ctx, abort), []string{"run", "-f", task, "/dev/null", "--id", id, "--unique-names", "--pull", "never"},
			strings.NewReader(""), &out, &errOut)
	}()
	if !waitFor(t, time.Minute, errOut.String, "Launching container") {
		t.Fatalf("the step did not start:\n%s", errOut.String())
	}
	time.Sleep(500 * time.Millisecond)
	freeze()
	cancel(newInterrupted(syscall.SIGINT))
	time.Sleep(time.Second)
	start := time.Now()
	cancelAbort() // the second interrupt
	select {
	case code := <-done:
		if code != exitSIGINT {
			t.Errorf("exit %d, want %d", code, exitSIGINT)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("acb took %s after the second interrupt", d)
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("acb still runs 90 s after the second interrupt:\n%s", errOut.String())
	}
	if log := errOut.String(); !strings.Contains(log, "remove it with: docker rm -f long-") || !strings.Contains(log, "docker volume rm acb_") || !strings.Contains(log, " acb_vol_") {
		t.Errorf("leftovers not listed with their commands:\n%s", log)
	}
}

// TestRunTimeoutBoundsFrozenEngine: the engine stops answering while a
// step runs and nobody interrupts acb: --timeout still ends the run, its
// clean-up bounded, and what is left is listed.
func TestRunTimeoutBoundsFrozenEngine(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	id := e2eID("ft")
	t.Cleanup(func() { testenv.RemoveLeftovers(t, id) }) // through the real engine: what the frozen run left
	host, freeze := freezableEngine(t)
	t.Setenv("DOCKER_HOST", host)
	task := filepath.Join(t.TempDir(), "task.yaml")
	if err := os.WriteFile(task, []byte("version: v1.1.0\nsteps:\n  - id: long\n    cmd: "+bb+" sleep 120\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut lockedBuffer
	done := make(chan int, 1)
	start := time.Now()
	go func() {
		done <- run(context.Background(), []string{"run", "-f", task, "/dev/null", "--id", id, "--unique-names", "--pull", "never", "--timeout", "5s"},
			strings.NewReader(""), &out, &errOut)
	}()
	if !waitFor(t, time.Minute, errOut.String, "Launching container") {
		t.Fatalf("the step did not start:\n%s", errOut.String())
	}
	freeze()
	select {
	case code := <-done:
		if code != exitFailed {
			t.Errorf("exit %d, want %d", code, exitFailed)
		}
		if d := time.Since(start); d > 70*time.Second {
			t.Errorf("a 5 s run took %s on a frozen engine:\n%s", d, errOut.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("acb still runs 3 min after a 5 s --timeout:\n%s", errOut.String())
	}
	if log := errOut.String(); !strings.Contains(log, "remove it with: docker rm -f long-") {
		t.Errorf("leftovers not listed with their commands:\n%s", log)
	}
}
