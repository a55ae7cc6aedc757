package main

// Helpers of the end-to-end tests of acb run on the real Docker engine
// (samples_e2e_test.go, run_e2e_test.go, signal_e2e_test.go).

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/engine"
)

// e2eResult is one in-process acb invocation.
type e2eResult struct {
	out, log string
	code     int
}

// acbRun runs the CLI in process with a deadline and returns stdout, stderr
// and the exit code. On test failure the streams are logged.
func acbRun(t *testing.T, args ...string) e2eResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errOut lockedBuffer
	code := run(ctx, args, strings.NewReader(""), &out, &errOut)
	r := e2eResult{out: out.String(), log: errOut.String(), code: code}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("acb %s\nexit %d\nstderr:\n%s\nstdout:\n%s", strings.Join(args, " "), r.code, r.log, r.out)
		}
	})
	return r
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers and readers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls s() until it contains needle or d passes.
func waitFor(t *testing.T, d time.Duration, s func() string, needle string) bool {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if strings.Contains(s(), needle) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

var logStamp = regexp.MustCompile(`^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} `)

// logLines returns the timestamped lines of log without their timestamp,
// checking the Go log format of each.
func logLines(log string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if m := logStamp.FindString(l); m != "" {
			out = append(out, l[len(m):])
		}
	}
	return out
}

// assertLogOrder checks that each want is a prefix of a timestamped log line,
// in this order (other lines may come between).
func assertLogOrder(t *testing.T, log string, want ...string) {
	t.Helper()
	lines := logLines(log)
	i := 0
	for _, w := range want {
		found := false
		for ; i < len(lines); i++ {
			if strings.HasPrefix(lines[i], w) {
				found = true
				i++
				break
			}
		}
		if !found {
			t.Errorf("log lacks a line starting %q (in order)", w)
			return
		}
	}
}

// buildImage builds tag from an in-memory context of files (Dockerfile
// included) and removes the tag when the test ends.
func buildImage(t *testing.T, tag string, files map[string]string) {
	t.Helper()
	e := testenv.Engine(t)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, body := range files {
		mode := int64(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(body)), ModTime: mtime}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	if _, err := e.Build(ctx, engine.BuildSpec{Context: &buf, Tags: []string{tag}, Labels: map[string]string{"dev.acb.test": "e2e"}}, &out); err != nil {
		t.Fatalf("building %s: %v\n%s", tag, err, out.String())
	}
	t.Cleanup(func() { removeImage(t, tag) })
}

// removeImage removes an image tag, ignoring a missing one.
func removeImage(t *testing.T, ref string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := testenv.Engine(t).RemoveImage(ctx, ref); err != nil && !errors.Is(err, engine.ErrNotFound) {
		t.Logf("removing image %s: %v", ref, err)
	}
}

// bashShim mimics the bash images ACR's bash alias points at: the first
// argument is run as a command when it is one, otherwise the arguments go
// to the shell (as library/bash's docker-entrypoint.sh does).
const bashShim = `#!/bin/sh
if [ "${1#-}" != "$1" ] || ! command -v "$1" >/dev/null 2>&1; then set -- sh "$@"; fi
exec "$@"
`

// curlShim stands in for curl: it fetches --url U (or the last argument)
// with busybox wget, retrying while a detached server starts.
const curlShim = `#!/bin/sh
url=
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url=$2; shift 2 ;;
    -*) shift ;;
    *) url=$1; shift ;;
  esac
done
i=0
while [ $i -lt 50 ]; do
  wget -q -O - "$url" && exit 0
  i=$((i+1)); sleep 0.2
done
exit 1
`

// procTag tags repo for this test process (its pid), so that test
// processes sharing the engine never remove each other's images.
func procTag(repo string) string {
	return repo + ":p" + strconv.Itoa(os.Getpid())
}

// localImages builds the stand-ins for the public images the samples use
// and returns their tags: bash, curl and an HTTP server on port 80.
func localImages(t *testing.T) (bash, curl, httpd string) {
	t.Helper()
	bb := testenv.BusyboxImage(t)
	bash, curl, httpd = procTag("acbtest/e2e-bash"), procTag("acbtest/e2e-curl"), procTag("acbtest/e2e-httpd")
	buildImage(t, bash, map[string]string{
		"Dockerfile":    "FROM " + bb + "\nCOPY entry.sh /entry.sh\nENTRYPOINT [\"/entry.sh\"]\n",
		"entry.sh":      bashShim,
		".dockerignore": "",
	})
	buildImage(t, curl, map[string]string{
		"Dockerfile": "FROM " + bb + "\nCOPY curl.sh /curl.sh\nENTRYPOINT [\"/curl.sh\"]\n",
		"curl.sh":    curlShim,
	})
	buildImage(t, httpd, map[string]string{
		"Dockerfile": "FROM " + bb + "\nCMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\n",
	})
	return bash, curl, httpd
}

// copyDir copies the regular files of src (not recursing) into a new temp
// dir and returns it.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
