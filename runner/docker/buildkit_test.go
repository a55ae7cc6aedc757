package docker_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/docker"
	"github.com/acb-dev/acb/runner/docker/endpoint"
	"github.com/acb-dev/acb/runner/engine"
)

// writeTree writes files (slash paths) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// bkBuild runs a BuildKit build and removes its tags at cleanup.
func bkBuild(t *testing.T, f *fixture, spec engine.BuildKitSpec) (engine.BuildKitResult, string, error) {
	t.Helper()
	for _, tag := range spec.Tags {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = f.e.RemoveImage(ctx, tag)
		})
	}
	if spec.SharedKey == "" {
		spec.SharedKey = f.run
	}
	var out bytes.Buffer
	res, err := f.e.BuildKit(f.ctx, spec, &out)
	return res, out.String(), err
}

func TestBuildKitInfo(t *testing.T) {
	f := setup(t)
	info, err := f.e.BuildKitInfo(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(info.Engine, "Docker Engine") {
		t.Errorf("engine name %q", info.Engine)
	}
	t.Logf("%+v", info)
}

func TestBuildKitBasic(t *testing.T) {
	f := setup(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile": "FROM " + f.img + "\nARG MSG\nCOPY a.txt /a.txt\nRUN echo \"$MSG\" > /msg && cat /a.txt\n",
		"a.txt":      "hello " + f.run + "\n",
	})
	msg := "from-arg"
	tag1, tag2 := "acbtest/bk-"+f.name("i")+":1", "acbtest/bk-"+f.name("i")+":2"
	res, out, err := bkBuild(t, f, engine.BuildKitSpec{
		ContextDir: dir, DockerfileDir: dir, Dockerfile: "Dockerfile", Network: "none",
		Tags: []string{tag1, tag2}, BuildArgs: map[string]*string{"MSG": &msg}, Labels: map[string]string{"x.y": "z"},
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Logf("result %+v\n%s", res, out)
	for _, tag := range []string{tag1, tag2} {
		info, err := f.e.InspectImage(f.ctx, tag)
		if err != nil {
			t.Fatal(err)
		}
		if info.ID != res.ImageID {
			t.Errorf("%s is %s, want %s", tag, info.ID, res.ImageID)
		}
	}
}

// Only changed files cross the session: a rebuild of a 32 MiB context
// with one small file changed sends a few KiB.
func TestBuildKitIncrementalBytes(t *testing.T) {
	f := setup(t)
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 2<<20) // 32 MiB
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{
		"Dockerfile": "FROM " + f.img + "\nCOPY . /ctx\n",
		"small.txt":  "one\n",
	})
	spec := engine.BuildKitSpec{ContextDir: dir, DockerfileDir: dir, Dockerfile: "Dockerfile", SharedKey: "acbtest-" + f.run,
		Tags: []string{"acbtest/bk-" + f.name("i") + ":1"}}
	first, out, err := bkBuild(t, f, spec)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if first.SessionBytes < int64(len(big)) {
		t.Errorf("cold build sent %d bytes, less than the context", first.SessionBytes)
	}
	writeTree(t, dir, map[string]string{"small.txt": "two\n"})
	second, out, err := bkBuild(t, f, spec)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Logf("cold %d bytes, one file changed %d bytes", first.SessionBytes, second.SessionBytes)
	if second.SessionBytes > 64<<10 {
		t.Errorf("one changed file sent %d bytes", second.SessionBytes)
	}
	if second.ImageID == first.ImageID {
		t.Errorf("the change was not picked up: same image %s", first.ImageID)
	}
}

// Cancelling a build stops the solve: the RUN's process ends, no image
// is tagged, and the call returns promptly.
func TestBuildKitCancel(t *testing.T) {
	f := setup(t)
	dir := t.TempDir()
	marker := fmt.Sprintf("%d", 100000+time.Now().UnixNano()%800000) // a unique sleep argument
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM " + f.img + "\nRUN echo started; sleep " + marker + "\n"})
	tag := "acbtest/bk-" + f.name("i") + ":1"
	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := f.e.BuildKit(ctx, engine.BuildKitSpec{ContextDir: dir, DockerfileDir: dir, Dockerfile: "Dockerfile",
			Network: "none", NoCache: true, SharedKey: f.run, Tags: []string{tag}}, pw)
		pw.Close()
		done <- err
	}()
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	for !strings.Contains(seen.String(), "started") {
		n, err := pr.Read(buf)
		if err != nil {
			t.Fatalf("build ended before its RUN started: %v\n%s", <-done, seen.String())
		}
		seen.Write(buf[:n])
	}
	for wait := time.Now().Add(10 * time.Second); !sleeping(marker); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(wait) {
			t.Fatalf("no process sleeping %s while the build runs", marker)
		}
	}
	start := time.Now()
	cancel()
	go io.Copy(io.Discard, pr)
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled build returned %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("cancel took %v", d)
	}
	deadline := time.Now().Add(15 * time.Second)
	for sleeping(marker) && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if sleeping(marker) {
		t.Errorf("the RUN's process still runs after the cancel")
	}
	if _, err := f.e.InspectImage(context.Background(), tag); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("cancelled build left image %s: %v", tag, err)
	}
}

// sleeping reports whether a process "sleep <arg>" runs on this machine
// (the engine is local: BuildKit's RUN processes are host processes).
func sleeping(arg string) bool {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && bytes.Equal(b, []byte("sleep\x00"+arg+"\x00")) {
			return true
		}
	}
	return false
}

// Podman's Docker-compatible service has no BuildKit API: the probe says
// so, naming Podman.
func TestBuildKitInfoPodman(t *testing.T) {
	t.Parallel()
	ctx := testenv.Context(t, 3*time.Minute)
	p, err := testenv.StartPodman(ctx)
	if errors.Is(err, testenv.ErrNoPodman) {
		t.Skipf("no Podman service: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("stopping podman: %v", err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	e, err := docker.Open(ctx, endpoint.Endpoint{Host: p.Host})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	_, err = e.BuildKitInfo(ctx)
	if !errors.Is(err, engine.ErrNoBuildKit) || !strings.Contains(err.Error(), "Podman Engine ") {
		t.Errorf("BuildKit probe on Podman: %v", err)
	}
	t.Log(err)
}
