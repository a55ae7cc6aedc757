package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// taskDir writes name -> content into a new temporary directory.
func taskDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	return dir
}

// TestRenderValuesAsYAML11 renders with a values file as ACR reads it:
// push: no is false, flag: y is true, a date prints as written.
func TestRenderValuesAsYAML11(t *testing.T) {
	dir := taskDir(t, map[string]string{
		"task.yaml": "version: v1.1.0\nsteps:\n" +
			"  - cmd: bb echo {{if .Values.push}}pushing{{else}}not-pushing{{end}} {{if .Values.flag}}flag-on{{end}} {{.Values.date}}\n",
		"values.yaml": "push: no\nflag: y\ndate: 2001-12-14\n",
	})
	out, errOut, code := runCLI(t, "render", "-f", filepath.Join(dir, "task.yaml"), "--values", filepath.Join(dir, "values.yaml"), "--id", "cf1")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := "cmd: bb echo not-pushing flag-on 2001-12-14\n"; !strings.Contains(out, want) {
		t.Errorf("render output lacks %q:\n%s", want, out)
	}
}

// TestValuesFileErrorHasPosition checks a values file that is not a
// mapping is reported with its position and without Go type names.
func TestValuesFileErrorHasPosition(t *testing.T) {
	dir := taskDir(t, map[string]string{
		"task.yaml":   "steps:\n  - cmd: bb echo hi\n",
		"values.yaml": "# values\n- a\n- b\n",
	})
	values := filepath.Join(dir, "values.yaml")
	_, errOut, code := runCLI(t, "render", "-f", filepath.Join(dir, "task.yaml"), "--values", values)
	if code != exitInput {
		t.Fatalf("exit %d, want %d: %s", code, exitInput, errOut)
	}
	if want := values + ":2:1: a values file must be a mapping of names to values, found a list"; !strings.Contains(errOut, want) {
		t.Errorf("error %q lacks %q", errOut, want)
	}
	if strings.Contains(errOut, "interface") {
		t.Errorf("error leaks a Go type: %s", errOut)
	}
}

// TestValidateSprigV3OnlyFunction checks validate rejects a function ACR's
// Sprig v2.22 lacks, saying so.
func TestValidateSprigV3OnlyFunction(t *testing.T) {
	dir := taskDir(t, map[string]string{"task.yaml": "version: v1.1.0\nsteps:\n  - cmd: bb echo {{ seq 3 }}\n"})
	out, _, code := runCLI(t, "validate", filepath.Join(dir, "task.yaml"))
	if code != exitFailed {
		t.Fatalf("exit %d, want %d:\n%s", code, exitFailed, out)
	}
	if want := `task.yaml:3: template: function "seq" not defined (seq is a Sprig v3 function; ACR renders with Sprig v2.22, which lacks it)`; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}
