package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/acb-dev/acb/runner/output"
)

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestValidateReportsEveryProblemWithLines(t *testing.T) {
	out, _, code := runCLI(t, "validate", "testdata/bad.yaml")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d; output:\n%s", code, exitFailed, out)
	}
	for _, want := range []string{
		"testdata/bad.yaml:5:", "step a:", // retries: -1
		"testdata/bad.yaml:7:", "step b:", `did you mean "cmd"`,
		"testdata/bad.yaml:10:", "step c:", "zzz",
		"testdata/bad.yaml: invalid",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestValidateJSON(t *testing.T) {
	out, _, code := runCLI(t, "validate", "--output", "json", "testdata/bad.yaml", "../../examples/hello/acb.yaml",
		"--set", "REGISTRY1=a.io", "--set", "REGISTRY2=b.io")
	if code != exitFailed {
		t.Fatalf("exit %d", code)
	}
	var res []fileResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(res) != 2 || res[0].Valid || !res[1].Valid {
		t.Fatalf("verdicts: %+v", res)
	}
	if len(res[0].Problems) < 3 || res[0].Problems[0].Line == 0 {
		t.Fatalf("problems: %+v", res[0].Problems)
	}
}

func TestValidateValidExitsZero(t *testing.T) {
	out, _, code := runCLI(t, "validate", "../../examples/hello/acb.yaml", "--set", "REGISTRY1=a.io", "--set", "REGISTRY2=b.io")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestRenderMasksSecrets(t *testing.T) {
	args := []string{"render", "-f", "testdata/secret.yaml", "--secret", "pw=hunter2-pass", "--set-secret", "token=tok-123456", "--id", "cf1"}
	out, errOut, code := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "hunter2-pass") || strings.Contains(out, "tok-123456") {
		t.Fatalf("secret in output:\n%s", out)
	}
	if !strings.Contains(out, "mcr.microsoft.com/acr/bash:") || !strings.Contains(out, "*** ***") {
		t.Fatalf("render output:\n%s", out)
	}
	out, _, _ = runCLI(t, append(args, "--show-secrets")...)
	if !strings.Contains(out, "hunter2-pass tok-123456") {
		t.Fatalf("--show-secrets output:\n%s", out)
	}
}

func TestRenderUnresolvedSecretIsPlaceholder(t *testing.T) {
	out, errOut, code := runCLI(t, "render", "-f", "testdata/secret.yaml", "--show-secrets")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "echo ***") {
		t.Fatalf("render output:\n%s", out)
	}
}

func TestRenderBadTemplateIsInputError(t *testing.T) {
	_, errOut, code := runCLI(t, "render", "-f", "-", "--id", "x")
	if code != exitOK { // empty stdin: an empty task renders empty
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, errOut, code = runCLI(t, "render", "-f", "testdata/missing.yaml")
	if code != exitInput || !strings.Contains(errOut, "missing.yaml") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

func TestGraphFormats(t *testing.T) {
	for format, want := range map[string]string{"text": "wave 0", "dot": "digraph", "mermaid": "flowchart"} {
		out, errOut, code := runCLI(t, "graph", "-f", "../../examples/hello/acb.yaml", "--format", format, "--set", "REGISTRY1=a.io")
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d, stderr %s, output:\n%s", format, code, errOut, out)
		}
	}
	_, _, code := runCLI(t, "graph", "-f", "../../examples/hello/acb.yaml", "--format", "png")
	if code != exitInput {
		t.Errorf("bad format: exit %d", code)
	}
}

func TestVersion(t *testing.T) {
	out, _, code := runCLI(t, "version")
	if code != exitOK || !strings.Contains(out, "Version:") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestErrorsMaskSecrets(t *testing.T) {
	const secret = "supersecretvalue"
	task := "version: v1.1.0\nsteps:\n  - cmd: bash echo hi\n    timeout: {{.Values.tok}}\n"
	for _, args := range [][]string{
		{"render", "-f", "-", "--set-secret", "tok=" + secret},
		{"graph", "-f", "-", "--set-secret", "tok=" + secret},
		{"validate", "-", "--set-secret", "tok=" + secret},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(task), &out, &errOut)
		all := out.String() + errOut.String()
		if code == exitOK || !strings.Contains(all, `found "***"`) || strings.Contains(all, secret) {
			t.Errorf("%s: exit %d, output:\n%s", args[0], code, all)
		}
	}
}

func TestGraphMasksSecrets(t *testing.T) {
	t.Setenv("ACB_SECRET_PW", "env-secret-99")
	for _, args := range [][]string{
		{"--secret", "pw=hunter2-pass", "--set-secret", "token=tok-123456"},
		{"--set-secret", "token=tok-123456"}, // pw from ACB_SECRET_PW
	} {
		for _, format := range []string{"text", "dot", "mermaid"} {
			all := append([]string{"graph", "-f", "testdata/secret.yaml", "--format", format, "--id", "cf1"}, args...)
			out, errOut, code := runCLI(t, all...)
			if code != exitOK {
				t.Fatalf("%v: exit %d: %s", all, code, errOut)
			}
			for _, secret := range []string{"hunter2", "tok-1", "env-secret"} { // no prefix either
				if strings.Contains(out+errOut, secret) {
					t.Errorf("%v: secret %q in output:\n%s", all, secret, out)
				}
			}
			if format == "text" && !strings.Contains(out, "*** ***") {
				t.Errorf("%v: no mask in output:\n%s", all, out)
			}
		}
	}
}

// TestFlagErrorsNeverEchoSecretValues: a --set-secret or --credential given
// without key= is an input error that shows neither the value nor a
// formatting artefact.
func TestFlagErrorsNeverEchoSecretValues(t *testing.T) {
	const secret = "hunter2-Value-77"
	for _, args := range [][]string{
		{"render", "-f", "testdata/secret.yaml", "--set-secret", secret},
		{"render", "-f", "testdata/secret.yaml", "--set-secret", "=" + secret},
		{"graph", "-f", "testdata/secret.yaml", "--set-secret", secret},
		{"validate", "testdata/secret.yaml", "--set-secret", secret},
		{"run", "-f", "testdata/secret.yaml", "--secret", "pw=x", "--credential", secret, "/dev/null"},
		{"run", "-f", "testdata/secret.yaml", "--secret", "pw=x", "--credential", secret + ",server=r.io", "/dev/null"},
	} {
		out, errOut, code := runCLI(t, args...)
		all := out + errOut
		if code == exitOK || strings.Contains(all, "hunter2") || strings.Contains(all, "%!") || !strings.Contains(all, "not shown") {
			t.Errorf("%v: exit %d, output:\n%s", args, code, all)
		}
	}
}

// TestSecretsPrePassAcceptsValidTask: a secret rendering empty in the
// pre-pass must not break a task that is valid YAML with its value.
func TestSecretsPrePassAcceptsValidTask(t *testing.T) {
	task := "version: v1.1.0\nsecrets:\n  - id: tag\n    keyvault: https://vlt.vault.azure.net/secrets/tag\n" +
		"steps:\n  - cmd: bash echo image:{{.Secrets.tag}} done\n  - cmd: bash echo {{index .Secrets \"tag\"}}:x\n"
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"render", "-f", "-", "--secret", "tag=v1tag", "--show-secrets"}, strings.NewReader(task), &out, &errOut)
	if code != exitOK || !strings.Contains(out.String(), "echo image:v1tag done") || !strings.Contains(out.String(), "echo v1tag:x") {
		t.Fatalf("exit %d, stderr %s, output:\n%s", code, errOut.String(), out.String())
	}
	// A task broken with any value still reports the YAML error.
	bad := "version: v1.1.0\nsecrets:\n  - id: tag\n    keyvault: https://vlt.vault.azure.net/secrets/tag\nsteps:\n  - cmd: [\n"
	code = run(context.Background(), []string{"render", "-f", "-", "--secret", "tag=v1tag"}, strings.NewReader(bad), &out, &errOut)
	if code != exitInput {
		t.Fatalf("broken task: exit %d", code)
	}
}

// discardCLI is a cli whose output is discarded, for tests of the command
// tree.
func discardCLI() *cli {
	return &cli{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, out: output.Discard()}
}
