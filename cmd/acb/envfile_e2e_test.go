package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/testenv"
)

// TestE2EEnvFile gives steps default env from two --env-file files (paths
// relative to the current directory, as the docker CLI reads them), the
// docker format's rules included, with --env and the task's env winning.
func TestE2EEnvFile(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"ctx/acb.yaml": "version: v1.1.0\nenv: [FROM_TASK=task]\nsteps:\n" +
			"  - cmd: " + bb + " sh -c 'echo \"[$A|$B|$C|$FROM_TASK|$PASSED|$QUOTED]\"'\n",
		"one.env": "# a comment\nA=from-one\n\nB=from-one\nQUOTED=\"kept as written\"\nFROM_TASK=loses\nPASSED\nNOT_IN_ENV\n",
		"two.env": "B=from-two\nC=from-two\n",
	})
	t.Setenv("PASSED", "from-acb-env")
	t.Chdir(dir)
	id := e2eID("ef")
	r := acbRun(t, "run", "ctx", "--id", id, "--unique-names", "--pull", "never", "--env-file", "one.env", "--env-file", filepath.Join(".", "two.env"), "--env", "C=from-flag")
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	if want := `[from-one|from-two|from-flag|task|from-acb-env|"kept as written"]`; !strings.Contains(r.out, want) {
		t.Errorf("output %q, want %q", r.out, want)
	}
	testenv.AssertNoLeftovers(t, id)

	r = acbRun(t, "run", "ctx", "--env-file", "missing.env", "--dry-run")
	if r.code != exitInput || !strings.Contains(r.log, "missing.env") {
		t.Errorf("missing file: exit %d", r.code)
	}
	writeFiles(t, dir, map[string]string{"bad.env": "GOOD=1\nBAD KEY=x\n"})
	r = acbRun(t, "validate", "-f", "ctx/acb.yaml", "--env-file", "bad.env")
	if r.code != exitInput || !strings.Contains(r.log, "bad.env") || !strings.Contains(r.log, "whitespace") {
		t.Errorf("bad file: exit %d", r.code)
	}
}

// TestTaskFileRelativeToContextHint: -f is relative to the context (as az
// acr run -f); a path that only exists from the current directory gets a
// hint instead of a bare "no such file".
func TestTaskFileRelativeToContextHint(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tasks/acb.yaml": "version: v1.1.0\nsteps:\n  - cmd: x\n", "ctx/.keep": ""})
	t.Chdir(dir)
	r := acbRun(t, "run", "ctx", "-f", "tasks/acb.yaml", "--dry-run")
	if r.code != exitInput || !strings.Contains(r.log, "-f is relative to the source context, as with az acr run; tasks/acb.yaml exists in the current directory") {
		t.Errorf("exit %d", r.code)
	}
	if r := acbRun(t, "run", "ctx", "-f", filepath.Join(dir, "tasks/acb.yaml"), "--dry-run"); r.code != exitOK {
		t.Errorf("absolute -f: exit %d", r.code)
	}
}
