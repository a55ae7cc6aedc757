package bench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// regenerateHint is what to do when TestBenchmarksAreCurrent fails.
const regenerateHint = "regenerate the numbers on a clean tree of main's HEAD: `make bench` (or `bash scripts/bench.sh` after `make build`), then commit BENCHMARKS.md alone"

// TestBenchmarksAreCurrent fails when BENCHMARKS.md does not describe the
// executor at HEAD: see MaxUnmeasured for what "current" means and why.
func TestBenchmarksAreCurrent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := CheckFresh(ctx, filepath.Join("..", ".."), MaxUnmeasured); err != nil {
		t.Fatalf("%v\n%s", err, regenerateHint)
	}
}

// CheckFresh against a scratch repository: every way a report can be
// stale, and the ways it stays current.
func TestCheckFresh(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed:", err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	commit := func(name, body string) string {
		t.Helper()
		write(name, body)
		git("add", "-A")
		git("commit", "-q", "-m", "change "+name)
		return git("rev-parse", "HEAD")
	}
	bench := func(src Source) {
		t.Helper()
		write("BENCHMARKS.md", "# Benchmarks\n\n"+src.line()+"\n\n## Results\n")
		git("add", "-A")
		git("commit", "-q", "-m", "bench")
	}
	git("init", "-q", "-b", "main")
	commit("runner/run.go", "package runner\n")
	measured := commit("runner/docker/container.go", "package docker\n")

	check := func(wantErr string) {
		t.Helper()
		err := CheckFresh(ctx, dir, 3)
		switch {
		case wantErr == "" && err != nil:
			t.Errorf("stale: %v", err)
		case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
			t.Errorf("err = %v, want one containing %q", err, wantErr)
		}
	}
	bench(Source{Commit: measured})
	check("")
	// Tests, documentation and other packages do not count.
	commit("runner/run_test.go", "package runner\n")
	commit("runner/README.md", "x\n")
	commit("graph/graph.go", "package graph\n")
	check("")
	// Two executor or bench commits may follow the measured one; a third
	// may not.
	commit("runner/docker/container.go", "package docker\n\n// a\n")
	commit("internal/bench/apiloop.go", "package bench\n")
	check("")
	commit("scripts/bench.sh", "#!/bin/sh\n")
	check("3 later commits changed the executor or the bench")

	bench(Source{Commit: git("rev-parse", "HEAD"), Dirty: true})
	check("uncommitted changes")
	bench(Source{Commit: strings.Repeat("ab", 20)})
	check("which this repository does not have")
	git("checkout", "-q", "-b", "side", measured+"~1")
	side := commit("runner/other.go", "package runner\n")
	git("checkout", "-q", "main")
	bench(Source{Commit: side})
	check("not an ancestor of HEAD")
	write("BENCHMARKS.md", "# Benchmarks\n\nno commit line\n")
	check("predates commit recording")

	// A shallow clone cannot tell: an error, never a pass.
	bench(Source{Commit: git("rev-parse", "HEAD~1")})
	check("")
	shallow := filepath.Join(t.TempDir(), "shallow")
	if out, err := exec.Command("git", "clone", "-q", "--depth", "1", "file://"+dir, shallow).CombinedOutput(); err != nil {
		t.Fatalf("shallow clone: %v\n%s", err, out)
	}
	if err := CheckFresh(ctx, shallow, 3); err == nil || !strings.Contains(err.Error(), "shallow clone") {
		t.Errorf("shallow clone: err = %v", err)
	}
	if err := CheckFresh(ctx, t.TempDir(), 3); err == nil {
		t.Error("no BENCHMARKS.md: no error")
	}
}

func TestRecordedSource(t *testing.T) {
	c := strings.Repeat("0123456789", 4)
	for _, src := range []Source{{Commit: c}, {Commit: c, Dirty: true}} {
		got, err := RecordedSource("x\n" + src.line() + "\ny\n")
		if err != nil || got != src {
			t.Errorf("%+v read back as %+v, %v", src, got, err)
		}
	}
	if _, err := RecordedSource(commitLinePrefix + "abc`, clean tree.\n"); err == nil {
		t.Error("a short hash was accepted")
	}
}
