package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/testenv"
)

// TestE2EWorkspaceResume runs a task whose second step fails, fixes the
// source and resumes with --from: the step finds the file the first run's
// step wrote and the fixed source; the workspace is kept after both runs.
func TestE2EWorkspaceResume(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	src := t.TempDir()
	ws := filepath.Join(t.TempDir(), "ws", "nested") // created by acb
	writeFiles(t, src, map[string]string{
		"acb.yaml": "version: v1.1.0\nsteps:\n" +
			"  - id: make\n    cmd: " + bb + " sh -c 'echo made-in-run-one > out/made'\n    workingDirectory: /workspace\n" +
			"  - id: check\n    cmd: " + bb + " sh -c 'cat out/made; grep -q fixed config.txt'\n" +
			"  - id: after\n    cmd: " + bb + " cat config.txt\n",
		"config.txt": "broken\n",
		"out/.keep":  "",
	})
	id1 := e2eID("ws")
	r := acbRun(t, "run", src, "--id", id1, "--unique-names", "--pull", "never", "--workspace", ws)
	if r.code != exitFailed {
		t.Fatalf("first run: exit %d, want %d", r.code, exitFailed)
	}
	if !strings.Contains(r.log, "Using "+ws+" as the home volume") {
		t.Errorf("log does not name the workspace")
	}
	testenv.AssertNoLeftovers(t, id1)
	if b, err := os.ReadFile(filepath.Join(ws, "out", "made")); err != nil || string(b) != "made-in-run-one\n" {
		t.Fatalf("workspace after the failed run: %q, %v", b, err)
	}

	writeFiles(t, src, map[string]string{"config.txt": "fixed\n"})
	id2 := e2eID("ws")
	r = acbRun(t, "run", src, "--id", id2, "--unique-names", "--pull", "never", "--workspace", ws, "--from", "check")
	if r.code != exitOK {
		t.Fatalf("resumed run: exit %d", r.code)
	}
	if strings.Contains(r.log, "Executing step ID: make.") {
		t.Error("the resumed run ran make again")
	}
	if !strings.Contains(r.log, "Leaving out step ID: make (not after --from check)") {
		t.Error("no left-out line for make")
	}
	if !strings.Contains(r.out, "made-in-run-one\n") || !strings.Contains(r.out, "fixed\n") {
		t.Errorf("resumed steps did not see the earlier file and the fixed source: %q", r.out)
	}
	testenv.AssertNoLeftovers(t, id2)
	if _, err := os.Stat(filepath.Join(ws, "config.txt")); err != nil {
		t.Errorf("workspace removed or emptied: %v", err)
	}
}

// TestE2EWorkspaceBuildReadsIt builds from a host workspace a cmd step
// wrote to: the build context comes from the workspace, not the source.
func TestE2EWorkspaceBuildReadsIt(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	src := t.TempDir()
	ws := t.TempDir()
	tag := "acbtest/ws-build:" + e2eID("t")
	writeFiles(t, src, map[string]string{
		"acb.yaml": "version: v1.1.0\nsteps:\n" +
			"  - cmd: " + bb + " sh -c 'printf \"FROM " + bb + "\\nCOPY gen.txt /gen.txt\\n\" > Dockerfile; echo generated > gen.txt'\n" +
			"  - build: -t " + tag + " .\n" +
			"  - cmd: " + tag + " cat /gen.txt\n",
	})
	t.Cleanup(func() { removeImage(t, tag) })
	id := e2eID("wb")
	r := acbRun(t, "run", src, "--id", id, "--unique-names", "--pull", "never", "--workspace", ws)
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	if !strings.Contains(r.out, "generated\n") {
		t.Errorf("output %q", r.out)
	}
	testenv.AssertNoLeftovers(t, id)
}

func TestWorkspaceNotADirectory(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "file")
	writeFiles(t, dir, map[string]string{"file": "x", "acb.yaml": "version: v1.1.0\nsteps:\n  - cmd: acbtest/busybox:1 true\n"})
	r := acbRun(t, "run", "/dev/null", "-f", filepath.Join(dir, "acb.yaml"), "--workspace", f, "--dry-run")
	if r.code != exitInput || !strings.Contains(r.log, "--workspace: "+f+" is not a directory") {
		t.Errorf("exit %d", r.code)
	}
}
