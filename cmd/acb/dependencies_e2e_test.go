package main

// End-to-end tests of acb run's dependency report through the CLI: the
// printed YAML, --report-file and the JSON log's report event carry the same
// data; a git context reports its HEAD. Bases live in an in-process loopback
// registry, and the digest resolver refuses every other registry.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/acb-dev/acb/auth"
	"github.com/acb-dev/acb/internal/testenv"
)

func depsRun(t *testing.T, ctx context.Context, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(ctx, args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

var depsStamp = regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d ?`)

// depsPrintedYAML returns the YAML printed after the report header and its
// timestamp-only line, up to the blank line before "Run ID:".
func depsPrintedYAML(t *testing.T, log string) string {
	t.Helper()
	lines := strings.Split(log, "\n")
	for i, l := range lines {
		if depsStamp.ReplaceAllString(l, "") != "The following dependencies were found:" {
			continue
		}
		if i+1 >= len(lines) || depsStamp.ReplaceAllString(lines[i+1], "") != "" || !depsStamp.MatchString(lines[i+1]) {
			t.Fatalf("no timestamp-only line after the header: %q", lines[i:])
		}
		var b strings.Builder
		for _, y := range lines[i+2:] {
			if y == "" {
				break
			}
			b.WriteString(y + "\n")
		}
		return b.String()
	}
	t.Fatalf("no report in the log:\n%s", log)
	return ""
}

// depsNormalise turns the JSON report into what the YAML shows: no
// "reference" keys, no null buildtime list, "git: {}" for an empty
// revision.
func depsNormalise(v any) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = depsNormalise(x[i])
		}
	case map[string]any:
		delete(x, "reference")
		if bt, ok := x["buildtime-dependency"]; ok && bt == nil {
			delete(x, "buildtime-dependency")
		}
		if g, ok := x["git"].(map[string]any); ok && g["git-head-revision"] == "" {
			delete(g, "git-head-revision")
		}
		for k := range x {
			x[k] = depsNormalise(x[k])
		}
	}
	return v
}

// (a, c, e, f) One CLI run from a git context in text mode, one in JSON log
// mode: digests as the registry serves them, the context's HEAD, the YAML,
// the --report-file JSON and the JSON log's report event all agree.
func TestDepsE2ECLIReportFromGitContext(t *testing.T) {
	t.Parallel()
	testenv.RequireEngine(t)
	ctx := testenv.Context(t, 4*time.Minute)
	reg := testenv.Registry(t)
	baseDigest := testenv.PushBaseImage(t, reg, "base:1", "base:1\n")
	tag := reg + "/acbtest/cli-report:v1"
	t.Cleanup(func() {
		e := testenv.Engine(t)
		for _, ref := range []string{tag, reg + "/base:1"} {
			_ = e.RemoveImage(context.Background(), ref) // best effort
		}
	})
	dir := t.TempDir()
	for n, c := range map[string]string{
		"Dockerfile": "FROM " + reg + "/base:1\nCOPY hello.txt /\n",
		"hello.txt":  "hello\n",
		"acb.yaml":   "version: v1.1.0\nsteps:\n  - id: build\n    build: -t " + tag + " .\n  - id: push\n    push: [\"" + tag + "\"]\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	testenv.Git(t, dir, "init", "--quiet")
	testenv.Git(t, dir, "add", ".")
	testenv.Git(t, dir, "commit", "--quiet", "-m", "one")
	head := testenv.Git(t, dir, "rev-parse", "HEAD")

	reportFile := filepath.Join(t.TempDir(), "report.json")
	_, stderr, code := depsRun(t, ctx, "run", "-f", "acb.yaml", "--unique-names", "--report-file", reportFile, dir)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	raw, err := os.ReadFile(reportFile)
	if err != nil {
		t.Fatal(err)
	}
	var file []map[string]any
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatalf("report file %q: %v", raw, err)
	}
	if len(file) != 1 {
		t.Fatalf("report file has %d entries: %s", len(file), raw)
	}
	entry := file[0]
	img, _ := entry["image"].(map[string]any)
	rt, _ := entry["runtime-dependency"].(map[string]any)
	git, _ := entry["git"].(map[string]any)
	if got, want := img["digest"], testenv.RegistryDigest(t, tag); got != want {
		t.Errorf("image digest %v, registry serves %s", got, want)
	}
	if img["registry"] != reg || img["repository"] != "acbtest/cli-report" || img["tag"] != "v1" || img["reference"] != tag {
		t.Errorf("image %v", img)
	}
	if rt["digest"] != baseDigest || rt["repository"] != "base" || rt["tag"] != "1" {
		t.Errorf("runtime dependency %v, want base:1 at %s", rt, baseDigest)
	}
	if git["git-head-revision"] != head {
		t.Errorf("git %v, want HEAD %s", git, head)
	}

	var printed any
	if err := yaml.Unmarshal([]byte(depsPrintedYAML(t, stderr)), &printed); err != nil {
		t.Fatal(err)
	}
	var fromFile any
	if err := json.Unmarshal(raw, &fromFile); err != nil {
		t.Fatal(err)
	}
	if want := depsNormalise(fromFile); !reflect.DeepEqual(printed, want) {
		t.Errorf("printed YAML %#v\nreport file %#v", printed, want)
	}
	var msgs []string
	for _, l := range strings.Split(stderr, "\n") {
		if depsStamp.MatchString(l) {
			msgs = append(msgs, depsStamp.ReplaceAllString(l, ""))
		}
	}
	want := []string{"Step ID: build marked as successful", "Populating digests for step ID: build...",
		"Successfully populated digests for step ID: build", "Step ID: push marked as successful",
		"The following dependencies were found:", ""}
	i := 0
	for _, m := range msgs {
		if i < len(want) && strings.HasPrefix(m, want[i]) && (want[i] != "" || m == "") {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("log lacks %q in order:\n%s", want[i], stderr)
	}

	// (f) JSON log mode: the report is one event, after the header event.
	reportFile2 := filepath.Join(t.TempDir(), "report.json")
	stderr, _, code = depsRun(t, ctx, "run", "-f", "acb.yaml", "--unique-names", "--log-format", "json", "--report-file", reportFile2, dir) // JSON: all on stdout
	if code != 0 {
		t.Fatalf("json run: exit %d:\n%s", code, stderr)
	}
	var events []map[string]any
	sc := bufio.NewScanner(strings.NewReader(stderr))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var ev map[string]any
		if json.Unmarshal(sc.Bytes(), &ev) == nil {
			events = append(events, ev)
		}
	}
	var order []string
	var deps any
	for _, ev := range events {
		msg, _ := ev["msg"].(string)
		switch {
		case ev["dependencies"] != nil:
			order = append(order, "report")
			deps = ev["dependencies"]
			if ev["event"] != "report" {
				t.Errorf("report event named %v", ev["event"])
			}
		case msg == "The following dependencies were found:",
			strings.HasPrefix(msg, "Populating digests for step ID: build"),
			strings.HasPrefix(msg, "Successfully populated digests for step ID: build"):
			order = append(order, msg)
		}
	}
	wantOrder := []string{"Populating digests for step ID: build...", "Successfully populated digests for step ID: build",
		"The following dependencies were found:", "report"}
	if !reflect.DeepEqual(order, wantOrder) {
		t.Errorf("JSON events %q, want %q\n%s", order, wantOrder, stderr)
	}
	raw2, err := os.ReadFile(reportFile2)
	if err != nil {
		t.Fatal(err)
	}
	var fromFile2 any
	if err := json.Unmarshal(raw2, &fromFile2); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(deps, fromFile2) {
		t.Errorf("JSON log report %v\nreport file %v", deps, fromFile2)
	}
	if !reflect.DeepEqual(depsNormalise(fromFile2), fromFile) { // fromFile is normalised above
		t.Errorf("second run's report %v differs from the first %v", fromFile2, fromFile)
	}
}

// The CLI's digest resolver asks only loopback registries and registries
// the run has credentials for: Docker Hub and other public registries are
// never contacted to fill in a report.
func TestDepsRemoteDigestsStayOffPublicRegistries(t *testing.T) {
	t.Parallel()
	reg := testenv.Registry(t)
	want := testenv.PushBaseImage(t, reg, "base:1", "base:1\n")
	resolve := auth.RemoteDigests(nil)
	ctx := testenv.Context(t, time.Minute)
	for _, ref := range []string{"docker.io/library/alpine:latest", "mcr.microsoft.com/hello-world:latest", "myreg.azurecr.io/app:1"} {
		start := time.Now()
		d, err := resolve(ctx, ref)
		if d != "" || err != nil {
			t.Errorf("%s: %q, %v; want no lookup", ref, d, err)
		}
		if time.Since(start) > time.Second {
			t.Errorf("%s: took %s, a network call?", ref, time.Since(start))
		}
	}
	if d, err := resolve(ctx, reg+"/base:1"); err != nil || d != want {
		t.Errorf("loopback lookup: %q, %v; want %s", d, err, want)
	}
}
