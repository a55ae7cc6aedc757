package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// complete runs cobra's completion entry point in-process, as the shell
// scripts do, and returns the candidates (without the directive line).
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	out, errOut, code := runCLI(t, append([]string{"__complete"}, args...)...)
	if code != exitOK {
		t.Fatalf("__complete %q: exit %d: %s", args, code, errOut)
	}
	return candidates(out)
}

func candidates(out string) []string {
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, ":") { // the directive
			continue
		}
		value, _, _ := strings.Cut(line, "\t")
		got = append(got, value)
	}
	return got
}

func TestCompleteFlagValues(t *testing.T) {
	cases := map[string][]string{
		"run --pull":        {"missing", "always", "never"},
		"run --log-format":  {"text", "json"},
		"run --prefix":      {"auto", "always", "never"},
		"graph --format":    {"text", "dot", "mermaid"},
		"validate --output": {"text", "json"},
		"version -o":        {"text", "json"},
	}
	for args, want := range cases {
		got := complete(t, append(strings.Fields(args), "")...)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: got %q, want %q", args, got, want)
		}
	}
}

// Every entry of the fixed-values table names a flag that exists, so a
// renamed flag cannot silently lose its completion.
func TestFlagValuesTableMatchesTree(t *testing.T) {
	root := newRootCommand(discardCLI())
	for path, flags := range flagValues() {
		cmd, _, err := root.Find(strings.Fields(path)[1:])
		if err != nil || cmd.CommandPath() != path {
			t.Errorf("%s: no such command", path)
			continue
		}
		for name := range flags {
			if cmd.Flags().Lookup(name) == nil {
				t.Errorf("%s --%s: no such flag", path, name)
			}
		}
	}
}

func TestCompleteStepIDs(t *testing.T) {
	run, _, err := newRootCommand(discardCLI()).Find([]string{"run"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range stepSelectionFlags {
		if _, ok := run.GetFlagCompletionFunc(name); !ok {
			t.Errorf("acb run --%s: no completion", name)
		}
	}
	// Rendered with the values given so far; -f relative to CONTEXT.
	got := complete(t, "run", "-f", "acb.yaml", "../../examples/hello", "--set", "REGISTRY1=a.io", "--set", "REGISTRY2=b.io", "--only", "p")
	if strings.Join(got, " ") != "push1 push2" {
		t.Errorf("hello, --only p: %q", got)
	}
	// Without the values the task does not render; the plain reading still
	// finds every id, defaults included.
	dir := t.TempDir()
	task := "version: v1.1.0\nsteps:\n  - id: build\n    build: -t {{.Values.missing.deep}} .\n  - cmd: bash echo {{.Run.ID}}\n"
	if err := os.WriteFile(dir+"/acb.yaml", []byte(task), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, flag := range stepSelectionFlags {
		got = complete(t, "run", "-f", "acb.yaml", dir, "--"+flag, "")
		if strings.Join(got, " ") != "build acb_step_1" {
			t.Errorf("unrenderable task, --%s: %q", flag, got)
		}
	}
}

func TestDockerContextNames(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Fatalf("the docker CLI writes the context store this test reads: %v", err)
	}
	dir := t.TempDir()
	for _, name := range []string{"remote-b", "remote-a"} {
		cmd := exec.Command(docker, "context", "create", name, "--docker", "host=tcp://127.0.0.1:1")
		cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("docker context create: %v: %s", err, out)
		}
	}
	got := dockerContextNames(dir)
	if strings.Join(got, " ") != "default remote-a remote-b" {
		t.Errorf("contexts: %q", got)
	}
	if got := dockerContextNames(t.TempDir()); strings.Join(got, " ") != "default" {
		t.Errorf("empty store: %q", got)
	}
	// Through the entry point when a command has --context.
	t.Setenv("DOCKER_CONFIG", dir)
	root := newRootCommand(discardCLI())
	for _, c := range root.Commands() {
		if c.Flags().Lookup("context") != nil {
			if got := complete(t, c.Name(), "--context", "remote-"); strings.Join(got, " ") != "remote-a remote-b" {
				t.Errorf("%s --context: %q", c.Name(), got)
			}
		}
	}
}

func TestHelpHasNoBoolValueNoise(t *testing.T) {
	for _, args := range [][]string{{"run", "--help"}, {"render", "--help"}, {"completion", "bash", "--help"}} {
		out, _, code := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("%q: exit %d", args, code)
		}
		if strings.Contains(out, "[=true|false]") {
			t.Errorf("%q help shows [=true|false]:\n%s", args, out)
		}
	}
	out, _, _ := runCLI(t, "run", "--help")
	if !strings.Contains(out, "      --dry-run  ") {
		t.Errorf("run help lacks a plain --dry-run:\n%s", out)
	}
	// Parsing is unchanged: no value means true, =false works, and the next
	// argument is never taken as the value.
	for args, want := range map[string]bool{"--dry-run": true, "--dry-run=false": false, "--dry-run=true .": true} {
		run, _, err := newRootCommand(discardCLI()).Find([]string{"run"})
		if err != nil {
			t.Fatal(err)
		}
		if err := run.ParseFlags(strings.Fields(args)); err != nil {
			t.Fatalf("%s: %v", args, err)
		}
		got, err := run.Flags().GetBool("dry-run")
		if err != nil || got != want {
			t.Errorf("%s: dry-run %v (%v), want %v", args, got, err, want)
		}
	}
	run, _, _ := newRootCommand(discardCLI()).Find([]string{"run"})
	if err := run.ParseFlags([]string{"--dry-run", "false"}); err != nil || run.Flags().Arg(0) != "false" {
		t.Errorf("--dry-run false: %v, args %q", err, run.Flags().Args())
	}
}
