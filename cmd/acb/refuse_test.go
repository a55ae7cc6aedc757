package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// refusedTask has one step of each kind a run refuses only when it
// reaches it.
const refusedTask = `version: v1.1.0
steps:
  - id: piped
    cmd: acbtest/busybox:1 echo hi | tr a-z A-Z
  - id: gpus
    cmd: --gpus all acbtest/busybox:1 true
  - id: build
    build: -t {{.Values.REGISTRY1}}/hello-world:x .
  - id: fine
    cmd: acbtest/busybox:1 true
`

// TestValidateAndDryRunReportWhatRunRefuses checks that validate and
// run --dry-run report a host-shell construct (unless --allow-host-shell),
// an unknown docker run option and an image reference with an empty part,
// each with its line and step, and fail.
func TestValidateAndDryRunReportWhatRunRefuses(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "task.yaml")
	if err := os.WriteFile(file, []byte(refusedTask), 0o644); err != nil {
		t.Fatal(err)
	}
	wants := []string{
		"task.yaml:3:5: step piped: cmd ", "--allow-host-shell",
		"task.yaml:5:5: step gpus: cmd: ", "--gpus",
		"task.yaml:7:5: step build: build tag \"/hello-world:x\": the registry part is empty",
	}
	out, _, code := runCLI(t, "validate", file)
	if code != exitFailed {
		t.Errorf("validate: exit %d, want %d", code, exitFailed)
	}
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("validate output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "step fine") {
		t.Errorf("a valid step is reported:\n%s", out)
	}

	out, _, _ = runCLI(t, "validate", "--allow-host-shell", "--set", "REGISTRY1=r.io", file)
	if strings.Contains(out, "step piped") || strings.Contains(out, "step build") || !strings.Contains(out, "step gpus") {
		t.Errorf("validate --allow-host-shell --set REGISTRY1: output\n%s", out)
	}

	_, errOut, code := runCLI(t, "run", "-f", file, dir, "--dry-run")
	if code != exitInput {
		t.Errorf("run --dry-run: exit %d, want %d:\n%s", code, exitInput, errOut)
	}
	for _, w := range append(wants, "[DRY RUN] error: ", "a run would refuse 3 steps") {
		if !strings.Contains(errOut, w) {
			t.Errorf("dry run lacks %q:\n%s", w, errOut)
		}
	}
	if _, errOut, code := runCLI(t, "run", "-f", file, dir, "--dry-run", "--only", "fine"); code != exitOK {
		t.Errorf("dry run of the valid step: exit %d:\n%s", code, errOut)
	}
}
