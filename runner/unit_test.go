package runner

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/moby/patternmatcher"

	"github.com/acb-dev/acb/secrets"
)

func newMasker(v ...string) *secrets.Masker { return secrets.NewMasker(v...) }

func TestMapImage(t *testing.T) {
	t.Parallel()
	m := map[string]string{
		"mcr.microsoft.com/hello-world": "local/hello",
		"mcr.microsoft.com":             "localhost:5000",
		"alpine:3.19":                   "acbtest/busybox:1",
	}
	for in, want := range map[string]string{
		"mcr.microsoft.com/hello-world":         "local/hello",
		"mcr.microsoft.com/hello-world:1":       "local/hello:1",
		"mcr.microsoft.com/hello-world-x:1":     "localhost:5000/hello-world-x:1",
		"mcr.microsoft.com/acr/bash:2":          "localhost:5000/acr/bash:2",
		"alpine:3.19":                           "acbtest/busybox:1",
		"alpine:3.20":                           "alpine:3.20",
		"mcr.microsoft.comx/y":                  "mcr.microsoft.comx/y",
		"mcr.microsoft.com/hello-world@sha256:": "local/hello@sha256:",
	} {
		if got := mapImage(m, in); got != want {
			t.Errorf("mapImage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolveWorkdir(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"": "/workspace", "src": "/workspace/src", "/abs/../x": "/x", "a/../b/": "/workspace/b"} {
		if got := resolveWorkdir(in); got != want {
			t.Errorf("resolveWorkdir(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFinalLine(t *testing.T) {
	t.Parallel()
	res := &Result{RunID: "cb1", Elapsed: 19 * time.Second}
	if got := FinalLine(res, nil); got != "Run ID: cb1 was successful after 19s" {
		t.Error(got)
	}
	err := &StepError{StepID: "slow", Err: joinedError{errors.New("x")}}
	if got := FinalLine(res, err); got != "Run ID: cb1 failed after 19s. Error: failed to run step ID: slow: x" {
		t.Error(got)
	}
}

func TestFilterContext(t *testing.T) {
	t.Parallel()
	var src bytes.Buffer
	tw := tar.NewWriter(&src)
	add := func(name, body string) {
		typ := byte(tar.TypeReg)
		if name[len(name)-1] == '/' {
			typ = tar.TypeDir
		}
		_ = tw.WriteHeader(&tar.Header{Name: name, Typeflag: typ, Size: int64(len(body)), Mode: 0o644})
		_, _ = tw.Write([]byte(body))
	}
	add("ctx/", "")
	add("ctx/Dockerfile", "FROM x")
	add("ctx/.dockerignore", "*.log\nDockerfile\nsecret/\n!secret/keep")
	add("ctx/a.log", "x")
	add("ctx/app.txt", "x")
	add("ctx/secret/", "")
	add("ctx/secret/k", "x")
	add("ctx/secret/keep", "x")
	_ = tw.Close()
	pm, err := patternmatcher.New([]string{"*.log", "Dockerfile", "secret/", "!secret/keep"})
	if err != nil {
		t.Fatal(err)
	}
	var dst bytes.Buffer
	keep := map[string]bool{"Dockerfile": true, ".dockerignore": true}
	if err := filterContext(&src, &dst, true, pm, keep, &tarFile{name: ".dockerfile.x", data: []byte("FROM y")}); err != nil {
		t.Fatal(err)
	}
	var got []string
	tr := tar.NewReader(&dst)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, h.Name)
	}
	sort.Strings(got)
	want := []string{".dockerfile.x", ".dockerignore", "Dockerfile", "app.txt", "secret/keep"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

func TestHostShellLine(t *testing.T) {
	t.Parallel()
	task := parseTask(t, "steps:\n  - id: s\n    env: [\"A=b c\"]\n    user: root\n    cmd: bash echo hi | tee x\n")
	r, err := newRun(task, mustDAG(t, task), nil, &Options{RunID: "cb1"})
	if err != nil {
		t.Fatal(err)
	}
	got := r.hostShellLine(task.Steps[0], "s", "/tmp/x/step.env")
	want := "docker run --user root --network acb_default_network --name s --label dev.acb.run=cb1 --label dev.acb.owner=" + r.owner + " --volume " + r.vol +
		":/workspace --volume /var/run/docker.sock:/var/run/docker.sock --volume " + r.home +
		":/acb/home --env-file /tmp/x/step.env --workdir /workspace bash echo hi | tee x"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestHostShellEnvFile: step env values, secrets among them, are never on
// the host-shell command line; single-line values go to the env file as
// is, multi-line ones through the docker CLI's environment, unless the
// name is one the shell or the CLI reads.
func TestHostShellEnvFile(t *testing.T) {
	t.Parallel()
	task := parseTask(t, "steps:\n  - id: s\n    env: [\"T=s3cr3t value\", \"M=a\\nb\", INHERIT]\n    cmd: bash echo hi | tee x\n")
	r, err := newRun(task, mustDAG(t, task), nil, &Options{RunID: "cb1"})
	if err != nil {
		t.Fatal(err)
	}
	if line := r.hostShellLine(task.Steps[0], "s", "/f"); strings.Contains(line, "s3cr3t") || strings.Contains(line, "a\nb") {
		t.Errorf("a value on the command line: %s", line)
	}
	body, procEnv, err := hostShellEnv(task.Steps[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "HOME=/acb/home\nT=s3cr3t value\nM\nINHERIT\n"; body != want {
		t.Errorf("env file %q; want %q", body, want)
	}
	if len(procEnv) != 1 || procEnv[0] != "M=a\nb" {
		t.Errorf("process env %q", procEnv)
	}
	bad := parseTask(t, "steps:\n  - id: s\n    env: [\"PATH=a\\nb\"]\n    cmd: bash echo hi | tee x\n")
	if _, _, err := hostShellEnv(bad.Steps[0], nil); !errors.Is(err, ErrInput) {
		t.Errorf("multi-line PATH: %v", err)
	}
}
