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

// TestLenientIsAsACR checks what --lenient accepts as ACR does, and that
// without it the error says what ACR would do.
func TestLenientIsAsACR(t *testing.T) {
	for _, tc := range []struct {
		name, task      string
		strictErr       string
		lenientWarn     string
		lenientRendered string
	}{
		{
			name:            "unknown run variable",
			task:            "steps:\n  - cmd: bb echo [{{.Run.Nope}}]\n",
			strictErr:       "task.yaml:2:25: template: error at <.Run.Nope>: unknown run variable .Run.Nope (ACR renders it as an empty string; --lenient does the same)",
			lenientRendered: "cmd: bb echo []",
		},
		{
			name:        "negative timeout",
			task:        "steps:\n  - cmd: bb echo hi\n    timeout: -5\n",
			strictErr:   "task.yaml:3:14: step acb_step_0: timeout must be 0 or more, found -5; ACR would use the step timeout (stepTimeout, default 600 seconds), and so does --lenient",
			lenientWarn: "timeout is negative (-5); using the step timeout",
		},
		{
			name:        "negative startDelay",
			task:        "steps:\n  - cmd: bb echo hi\n    startDelay: -1\n",
			strictErr:   "startDelay must be 0 or more, found -1; ACR would use no delay, and so does --lenient",
			lenientWarn: "startDelay is negative (-1); using no delay, as ACR does",
		},
		{
			name:            "two alias blocks",
			task:            "version: v1.1.0\nalias:\n  values:\n    a: first\nsteps:\n  - cmd: bb echo $a $b\nalias:\n  values:\n    b: second\n",
			strictErr:       "task.yaml:7:1: duplicate alias block (the first is at line 2); ACR merges the two blocks, and so does --lenient",
			lenientWarn:     "2 alias blocks merged, as ACR merges them",
			lenientRendered: "cmd: bb echo first second",
		},
		{
			name:            "unknown alias key",
			task:            "version: v1.1.0\nalias:\n  values:\n    a: x\n  extra: 1\nsteps:\n  - cmd: bb echo $a\n",
			strictErr:       `task.yaml:5:3: unknown alias key "extra" (want values, src or directive); ACR ignores it, and so does --lenient`,
			lenientWarn:     `task.yaml:5:3: warning: unknown alias key "extra" ignored, as ACR does`,
			lenientRendered: "cmd: bb echo x",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(taskDir(t, map[string]string{"task.yaml": tc.task}), "task.yaml")
			out, _, code := runCLI(t, "validate", file)
			if code != exitFailed || !strings.Contains(out, tc.strictErr) {
				t.Errorf("strict validate: exit %d, want %d and %q:\n%s", code, exitFailed, tc.strictErr, out)
			}
			out, _, code = runCLI(t, "validate", "--lenient", file)
			if code != exitOK || !strings.Contains(out, tc.lenientWarn) {
				t.Errorf("lenient validate: exit %d, want 0 and %q:\n%s", code, tc.lenientWarn, out)
			}
			if tc.lenientRendered != "" {
				out, errOut, code := runCLI(t, "render", "--lenient", "-f", file)
				if code != exitOK || !strings.Contains(out, tc.lenientRendered) {
					t.Errorf("lenient render: exit %d, want 0 and %q:\n%s%s", code, tc.lenientRendered, out, errOut)
				}
			}
		})
	}
}

// TestValidateSecretURLsAndEveryProblem checks validate rejects Key Vault
// URLs ACR rejects (offline, at the URL) and still reports the step
// problems after a secrets: problem.
func TestValidateSecretURLsAndEveryProblem(t *testing.T) {
	task := `secrets:
  - id: a
    keyvault: http://myvault.vault.azure.net/secrets/a
  - id: a
    keyvault: https://myvault.vault.azure.net/keys/b
  - id: c
    keyvault: https://example.com/secrets/c
    clientID: nope
  - id: ok
    keyvault: https://myvault.vault.azure.net/secrets/ok/0123abcd
steps:
  - cmd: bb echo {{.Secrets.a}}
    retries: -1
  - cmmd: x
`
	file := filepath.Join(taskDir(t, map[string]string{"task.yaml": task}), "task.yaml")
	out, _, code := runCLI(t, "validate", file)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d:\n%s", code, exitFailed, out)
	}
	for _, want := range []string{
		`task.yaml:3:15: secret "a": invalid Key Vault secret URL "http://myvault.vault.azure.net/secrets/a": the scheme must be https`,
		`task.yaml:4:5: secret id "a" is already used at line 2`,
		`task.yaml:5:15: secret "a": invalid Key Vault secret URL "https://myvault.vault.azure.net/keys/b": the path must be /secrets/<name>`,
		`task.yaml:7:15: secret "c": invalid Key Vault secret URL "https://example.com/secrets/c": host "example.com" is not a Key Vault host`,
		`task.yaml:8:15: secret "c": clientID "nope" is not a GUID`,
		`task.yaml:13:14: step acb_step_0: retries must be 0 or more, found -1`,
		`task.yaml:14:5: step acb_step_1: unknown step key "cmmd"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `"ok"`) {
		t.Errorf("a valid versioned URL was reported:\n%s", out)
	}
}

// TestRenderAliasAndBlockCommentAsACR checks "$FOO$ID" stays as written
// when FOO is unknown, and that a comment indented less than its block
// scalar is deleted (the file is accepted) as ACR deletes it.
func TestRenderAliasAndBlockCommentAsACR(t *testing.T) {
	task := "version: v1.1.0\nsteps:\n  - cmd: bb echo $FOO$ID $$HOME $ID\n  - cmd: |\n      bb sh -c 'echo a\n      echo b'\n     # a comment left of the script\n  - cmd: >\n      bb echo\n     # gone\n      folded\n"
	file := filepath.Join(taskDir(t, map[string]string{"task.yaml": task}), "task.yaml")
	out, errOut, code := runCLI(t, "render", "-f", file, "--id", "cf1")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"cmd: bb echo $FOO$ID $HOME cf1\n", "      bb sh -c 'echo a\n      echo b'\n", "      bb echo\n      folded\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("render output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "# gone") || strings.Contains(out, "comment left") {
		t.Errorf("comment kept:\n%s", out)
	}
	if _, _, code := runCLI(t, "validate", file); code != exitOK {
		t.Errorf("validate exit %d, want 0", code)
	}
}

// TestRenderFlowAliasesAndSecretMarker checks render applies image aliases
// to cmds in flow mappings, as the run does, and shows an unresolved
// secret's b64enc as a marker, not as the base64 of "***".
func TestRenderFlowAliasesAndSecretMarker(t *testing.T) {
	task := "version: v1.1.0\nsecrets:\n  - id: s\n    keyvault: https://myvault.vault.azure.net/secrets/s\n" +
		"volumes:\n  - name: v\n    secret:\n      f: {{.Secrets.s | b64enc}}\n" +
		"steps:\n  - {id: x, cmd: bash echo hi}\n  - {cmd: \"bash echo\", id: y}\n  - {id: z, cmd: bash, volumeMounts: [{name: v, mountPath: /run/v}]}\n"
	file := filepath.Join(taskDir(t, map[string]string{"task.yaml": task}), "task.yaml")
	out, errOut, code := runCLI(t, "render", "-f", file, "--alias", "bash=acbtest/busybox:1")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"{id: x, cmd: acbtest/busybox:1 echo hi}", `{cmd: "acbtest/busybox:1 echo", id: y}`, "{id: z, cmd: acbtest/busybox:1, volumeMounts",
		"f: +++SECRET+NOT+RESOLVED++",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("render output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Kioq") {
		t.Errorf("the base64 of *** is shown:\n%s", out)
	}
	if out, _, code := runCLI(t, "validate", file); code != exitOK {
		t.Errorf("validate exit %d:\n%s", code, out)
	}
}

// TestIgnoredKeysWarnInValidateAndRun checks validate and run say plainly
// which documented keys acb does not act on as ACR does.
func TestIgnoredKeysWarnInValidateAndRun(t *testing.T) {
	dir := taskDir(t, map[string]string{
		"task.yaml": "totalTimeout: 100\nenv: [DOCKER_BUILDKIT=1]\nsteps:\n  - build: -t x .\n    cache: enabled\n  - cmd: bb echo\n    cmdDownloadRetries: 2\n",
	})
	file := filepath.Join(dir, "task.yaml")
	want := []string{
		"task.yaml:1:1: warning: totalTimeout is a 2018 preview key that ACR ignores",
		"task.yaml:4:5: warning: step acb_step_0: cache: enabled builds with BuildKit and an inline cache imported from the step's tags, not ACR's separate registry cache",
		"task.yaml:7:5: warning: step acb_step_1: cmdDownloadRetries retries the explicit pull of pull: true; without it, it has no effect",
	}
	out, _, code := runCLI(t, "validate", file)
	if code != exitOK {
		t.Fatalf("validate exit %d:\n%s", code, out)
	}
	_, errOut, code := runCLI(t, "run", "--dry-run", "-f", file, dir)
	if code != exitOK {
		t.Fatalf("run --dry-run exit %d:\n%s", code, errOut)
	}
	if strings.Contains(out, "DOCKER_BUILDKIT") {
		t.Errorf("validate warns about DOCKER_BUILDKIT=1, which acb honours:\n%s", out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("validate lacks %q:\n%s", w, out)
		}
		if !strings.Contains(errOut, w) {
			t.Errorf("run lacks %q:\n%s", w, errOut)
		}
	}
}
