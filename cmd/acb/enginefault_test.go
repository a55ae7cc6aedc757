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
