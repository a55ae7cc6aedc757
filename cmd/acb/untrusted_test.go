package main

import (
	"archive/tar"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestLintingReachesNoNetwork: validate, render and graph on a task whose
// alias src is a URL (carrying a --set-secret value) send no request and
// say so; --allow-network fetches it.
func TestLintingReachesNoNetwork(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("img: local/remote-image\n"))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	task := filepath.Join(dir, "task.yaml")
	body := "version: v1.1.0\nalias:\n  src:\n    - " + srv.URL + "/a?k={{.Values.tok}}\nsteps:\n  - cmd: $img echo hi\n"
	if err := os.WriteFile(task, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"validate", task},
		{"render", "-f", task},
		{"graph", "-f", task},
	} {
		args = append(args, "--set-secret", "tok=exfiltrated-secret")
		out, errOut, code := runCLI(t, args...)
		if hits.Load() != 0 {
			t.Fatalf("%v: the server got a request", args)
		}
		if code != exitOK || !strings.Contains(out+errOut, "not fetched") || strings.Contains(out+errOut, "exfiltrated") {
			t.Errorf("%v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, out, errOut)
		}
	}
	out, errOut, code := runCLI(t, "render", "-f", task, "--allow-network", "--set-secret", "tok=x1234")
	if code != exitOK || hits.Load() != 1 || !strings.Contains(out, "local/remote-image echo hi") {
		t.Fatalf("--allow-network: exit %d, %d requests\n%s%s", code, hits.Load(), out, errOut)
	}
}

// TestLintingReadsNoHostFile: an alias src outside the task's directory is
// refused, and the file's lines never appear.
func TestLintingReadsNoHostFile(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(outside, []byte("root:x:0:0:host-file-line:/root:/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	task := filepath.Join(dir, "task.yaml")
	if err := os.WriteFile(task, []byte("version: v1.1.0\nalias:\n  src: ["+outside+"]\nsteps:\n  - cmd: bash echo hi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"validate", task}, {"render", "-f", task}, {"graph", "-f", task}} {
		out, errOut, code := runCLI(t, args...)
		if code == exitOK || strings.Contains(out+errOut, "host-file-line") || !strings.Contains(out+errOut, "outside") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
}

// TestInputFilesBounded: a FIFO or a device as -f, --values, --secret-file
// is refused at once; a file over 16 MiB is refused with its name.
func TestInputFilesBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("a: "+strings.Repeat("x", 16<<20)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const task = "testdata/secret.yaml"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"render", "-f", fifo}, "not a regular file"},
		{[]string{"validate", fifo}, "not a regular file"},
		{[]string{"render", "-f", task, "--values", fifo}, "not a regular file"},
		{[]string{"render", "-f", task, "--secret-file", fifo}, "not a regular file"},
		{[]string{"render", "-f", task, "--secret-file", "/dev/zero"}, "not a regular file"},
		{[]string{"run", "-f", fifo, "/dev/null", "--dry-run"}, "not a regular file"},
		{[]string{"render", "-f", big}, "16 MiB"},
		{[]string{"render", "-f", task, "--values", big}, "16 MiB"},
		{[]string{"render", "-f", task, "--secret-file", big}, "16 MiB"},
	} {
		type result struct {
			out  string
			code int
		}
		done := make(chan result, 1)
		go func() {
			out, errOut, code := runCLI(t, tt.args...)
			done <- result{out + errOut, code}
		}()
		select {
		case r := <-done:
			if r.code == exitOK || !strings.Contains(r.out, tt.want) {
				t.Errorf("%v: exit %d, want an error with %q:\n%s", tt.args, r.code, tt.want, r.out)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%v: blocked", tt.args)
		}
	}
}

// TestRunRefusedContextsAreInputErrors: a tar the engine would refuse and
// a git ref that is an option end with exit code 2 before any engine call.
func TestRunRefusedContextsAreInputErrors(t *testing.T) {
	archive := filepath.Join(t.TempDir(), "escape.tar")
	writeTar := func(names ...string) {
		var b strings.Builder
		tw := tar.NewWriter(&b)
		for _, n := range names {
			if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: 1}); err != nil {
				t.Fatal(err)
			}
			tw.Write([]byte("x"))
		}
		tw.Close()
		if err := os.WriteFile(archive, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeTar("acb.yaml", "../escape.txt")
	for _, args := range [][]string{
		{"run", archive, "--id", "tarin"},
		{"run", t.TempDir() + "/r.git#--pathspec-from-file=/etc/passwd", "--id", "gitin"},
	} {
		out, errOut, code := runCLI(t, args...)
		if code != exitInput || strings.Contains(out+errOut, "root:") {
			t.Errorf("%v: exit %d, want %d:\n%s%s", args, code, exitInput, out, errOut)
		}
	}
}

// TestPasswordStdinWaitIsInterruptible: acb waiting for a password on a
// stdin nobody writes to ends at the first interrupt.
func TestPasswordStdinWaitIsInterruptible(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(300*time.Millisecond, func() { cancel(newInterrupted(syscall.SIGINT)) })
	var out, errOut strings.Builder
	start := time.Now()
	code := run(ctx, []string{"run", "-f", "testdata/secret.yaml", "--secret", "pw=x", "/dev/null", "--id", "pwin",
		"--credential", "server=127.0.0.1:5999,username=u,password-stdin"}, pr, &out, &errOut)
	if code != exitSIGINT || time.Since(start) > 10*time.Second {
		t.Fatalf("exit %d after %s:\n%s%s", code, time.Since(start), out.String(), errOut.String())
	}
}
