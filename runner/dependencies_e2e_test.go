package runner

// Real-engine tests of the dependency report: digests as the in-process
// registry serves them, multi-stage reports, unreadable Dockerfiles and the
// exact log lines. Every base image lives in a loopback registry; digest
// lookups are refused anywhere else, so no test reaches a public registry.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/args"
	"github.com/acb-dev/acb/runner/report"
	"github.com/acb-dev/acb/runner/source"
)

// loopbackDigests is a DigestResolver that only talks to loopback
// registries and records what it was asked; a lookup anywhere else fails
// the test (and is not made).
type loopbackDigests struct {
	t     *testing.T
	mu    sync.Mutex
	asked []string
}

func (l *loopbackDigests) resolve(ctx context.Context, ref string) (string, error) {
	l.mu.Lock()
	l.asked = append(l.asked, ref)
	l.mu.Unlock()
	r, err := name.ParseReference(ref)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(r.Context().RegistryStr(), "127.0.0.1:") {
		l.t.Errorf("digest lookup off loopback: %s", ref)
		return "", errors.New("off loopback")
	}
	desc, err := remote.Head(r, remote.WithContext(ctx))
	if err != nil {
		return "", err
	}
	return desc.Digest.String(), nil
}

func (l *loopbackDigests) lookups() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.asked)
}

// writeTree writes files (relative name → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for n, c := range files {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// removeImages removes local image references when the test ends.
func removeImages(t *testing.T, refs ...string) {
	t.Cleanup(func() {
		eng := testenv.Engine(t)
		for _, ref := range refs {
			_ = eng.RemoveImage(context.Background(), ref) // best effort: may never have existed
		}
	})
}

var timestamp = regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d ?`)

// logMessages returns the log's lines with the timestamp prefix removed;
// a line with only a timestamp becomes "<ts>", a line without one (the
// report's YAML) is kept as it is.
func logMessages(log string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(log, "\n"), "\n") {
		if loc := timestamp.FindStringIndex(l); loc != nil {
			l = l[loc[1]:]
			if l == "" {
				l = "<ts>"
			}
		}
		out = append(out, l)
	}
	return out
}

// assertSubsequence checks that want appears in got in this order, each
// element matching a whole line or, with a trailing "*", a line prefix.
func assertSubsequence(t *testing.T, got, want []string) {
	t.Helper()
	i := 0
	for _, g := range got {
		if i == len(want) {
			break
		}
		w := want[i]
		if g == w || strings.HasSuffix(w, "*") && strings.HasPrefix(g, strings.TrimSuffix(w, "*")) {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("log lacks %q (in this order after %q)", want[i], want[:i])
	}
}

// reportTail returns what the log prints after "The following
// dependencies were found:", checking that the next line is a bare
// timestamp.
func reportTail(t *testing.T, log string) string {
	t.Helper()
	msgs := logMessages(log)
	for i, m := range msgs {
		if m == "The following dependencies were found:" {
			if i+1 >= len(msgs) || msgs[i+1] != "<ts>" {
				t.Fatalf("no timestamp-only line after the header: %q", msgs[i:])
			}
			return strings.Join(msgs[i+2:], "\n") + "\n"
		}
	}
	t.Fatalf("no dependency report in the log")
	return ""
}

// (a) A build pushed to the registry: the reported image digest is what the
// registry serves, the runtime base's digest is what it serves for the
// base, a tag never pushed gets the local image id, and the lines around
// digests come in ACR's order.
func TestDependenciesE2EBuildPushDigests(t *testing.T) {
	t.Parallel()
	reg := testenv.Registry(t)
	baseDigest := testenv.PushBaseImage(t, reg, "base:1", "base one\n")
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile": "FROM " + reg + "/base:1\nCOPY . /ctx\n",
		"hello.txt":  "hello\n",
	})
	src, err := source.Prepare(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Cleanup()
	// tag is pushed; same shares its repository, so the push gives it a
	// repo digest too; local is in a repository never pushed.
	tag, same, local := reg+"/acbtest/app:v1", reg+"/acbtest/app:same", reg+"/acbtest/local:1"
	removeImages(t, tag, same, local, reg+"/base:1")
	resolver := &loopbackDigests{t: t}
	r := runReal(t, testenv.Context(t, 3*time.Minute), `
steps:
  - id: build
    build: -t `+tag+` -t `+same+` -t `+local+` .
  - id: push
    push: ["`+tag+`"]
`, Options{Source: src, RemoteDigest: resolver.resolve}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	deps := r.res.Dependencies
	if len(deps) != 3 {
		t.Fatalf("report has %d entries, want 3: %+v", len(deps), deps)
	}
	served := testenv.RegistryDigest(t, tag)
	if got := deps[0].Image.Digest; got != served {
		t.Errorf("image digest %q, registry serves %q", got, served)
	}
	if got := deps[1].Image.Digest; got != served {
		t.Errorf("same-repository tag digest %q, want the repository's %q", got, served)
	}
	if got, want := deps[2].Image.Digest, r.res.Step("build").ImageID; got != want || want == "" {
		t.Errorf("never-pushed tag digest %q, want the image id %q", got, want)
	}
	if got := testenv.RegistryDigest(t, reg+"/base:1"); got != baseDigest {
		t.Fatalf("registry serves base %s, pushed %s", got, baseDigest)
	}
	wantRuntime := report.ImageReference{Registry: reg, Repository: "base", Tag: "1", Digest: baseDigest, Reference: reg + "/base:1"}
	for i, d := range deps {
		if d.Runtime == nil || *d.Runtime != wantRuntime {
			t.Errorf("entry %d runtime %+v, want %+v", i, d.Runtime, wantRuntime)
		}
		if d.Buildtime != nil {
			t.Errorf("entry %d buildtime %+v, want none", i, d.Buildtime)
		}
		if d.Git == nil || d.Git.GitHeadRevision != "" {
			t.Errorf("entry %d git %+v, want an empty revision", i, d.Git)
		}
	}
	if asked := resolver.lookups(); len(asked) != 0 {
		t.Errorf("registry asked about %q; the local store knows every digest", asked)
	}
	assertSubsequence(t, logMessages(r.log), []string{
		"Scanning for dependencies...",
		"Successfully scanned dependencies",
		"Launching container with name: build-*",
		"Pushing image: " + tag + ", attempt 1",
		"Successfully pushed image: " + tag,
		"Step ID: build marked as successful (elapsed time in seconds: *",
		"Populating digests for step ID: build...",
		"Successfully populated digests for step ID: build",
		"Step ID: push marked as successful (elapsed time in seconds: *",
		"The following dependencies were found:",
		"<ts>",
		"- image:",
	})
	var want bytes.Buffer
	if err := report.WriteYAML(&want, deps); err != nil {
		t.Fatal(err)
	}
	if got := reportTail(t, r.log); got != want.String() {
		t.Errorf("printed report:\n%s\nwant:\n%s", got, want.String())
	}
	if n := strings.Count(r.log, "Populating digests for step ID: "); n != 1 {
		t.Errorf("%d populating lines, want 1 (build steps only)", n)
	}
}

// (b) A multi-stage build: the earlier stage's external base is a
// buildtime dependency, the final stage's the runtime one; stage names are
// not reported, FROM scratch is reported as ACR reports it (library/scratch,
// latest, no digest) and never looked up. The bases are removed from the local
// store before the digests are populated, so they come from a registry
// HEAD (on loopback).
func TestDependenciesE2EMultiStage(t *testing.T) {
	t.Parallel()
	reg := testenv.Registry(t)
	d1 := testenv.PushBaseImage(t, reg, "base:1", "base one\n")
	d2 := testenv.PushBaseImage(t, reg, "base2:1", "base two\n")
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile": "FROM " + reg + "/base:1 AS build\nCOPY . /src\n" +
			"FROM build AS test\n" +
			"FROM scratch AS empty\n" +
			"FROM " + reg + "/base2:1\nCOPY --from=build /src /app\n",
	})
	src, err := source.Prepare(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Cleanup()
	tag := reg + "/acbtest/multi:v1"
	bases := []string{reg + "/base:1", reg + "/base2:1"}
	removeImages(t, append([]string{tag}, bases...)...)
	resolver := &loopbackDigests{t: t}
	forget := func(ctx context.Context, s *graph.Step, _ *StepResult) error {
		if s.ID != "first" {
			return nil
		}
		eng := testenv.Engine(t)
		for _, b := range bases {
			if err := eng.RemoveImage(ctx, b); err != nil {
				return err
			}
		}
		return nil
	}
	r := runReal(t, testenv.Context(t, 3*time.Minute), `
steps:
  - id: first
    cmd: $BB true
  - id: build
    build: -t `+tag+` .
`, Options{Source: src, RemoteDigest: resolver.resolve, testHooks: testHooks{afterSuccess: forget}}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	id := r.res.Step("build").ImageID
	want := "- image:\n" +
		"    registry: " + reg + "\n" +
		"    repository: acbtest/multi\n" +
		"    tag: v1\n" +
		"    digest: " + id + "\n" +
		"  runtime-dependency:\n" +
		"    registry: " + reg + "\n" +
		"    repository: base2\n" +
		"    tag: \"1\"\n" +
		"    digest: " + d2 + "\n" +
		"  buildtime-dependency:\n" +
		"  - registry: " + reg + "\n" +
		"    repository: base\n" +
		"    tag: \"1\"\n" +
		"    digest: " + d1 + "\n" +
		"  - registry: registry.hub.docker.com\n" +
		"    repository: library/scratch\n" +
		"    tag: latest\n" +
		"    digest: \"\"\n" +
		"  git: {}\n"
	if got := reportTail(t, r.log); got != want {
		t.Errorf("printed report:\n%s\nwant:\n%s", got, want)
	}
	if asked := resolver.lookups(); !slices.Equal(asked, []string{bases[1], bases[0]}) {
		t.Errorf("registry asked about %q, want the two bases (runtime first)", asked)
	}
	assertSubsequence(t, logMessages(r.log), []string{
		"Step ID: first marked as successful (elapsed time in seconds: *",
		"Step ID: build marked as successful (elapsed time in seconds: *",
		"Populating digests for step ID: build...",
		"Successfully populated digests for step ID: build",
		"The following dependencies were found:",
		"<ts>",
	})
	if strings.Contains(r.log, "Populating digests for step ID: first") {
		t.Error("digests populated for a cmd step")
	}
}

// (d) A Dockerfile the scanner cannot understand (an unterminated heredoc,
// which docker's classic builder reads as plain shell) is a warning: the
// build succeeds and the report has the image but no dependencies.
func TestDependenciesE2EUnreadableDockerfile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile": "FROM " + testenv.BusyboxImage(t) + "\nRUN echo start <<EOF\n",
	})
	src, err := source.Prepare(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Cleanup()
	tag := "acbtest/unreadable:" + strconv.FormatInt(time.Now().UnixNano(), 36)
	removeImages(t, tag)
	resolver := &loopbackDigests{t: t}
	r := runReal(t, testenv.Context(t, 3*time.Minute), `
steps:
  - id: build
    build: -t `+tag+` .
`, Options{Source: src, RemoteDigest: resolver.resolve}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	assertSubsequence(t, logMessages(r.log), []string{
		"Scanning for dependencies...",
		"WARNING: step build: dependencies not scanned: dockerfile not understood: *",
		"Successfully scanned dependencies",
		"Launching container with name: build-*",
		"Step ID: build marked as successful (elapsed time in seconds: *",
		"Populating digests for step ID: build...",
		"Successfully populated digests for step ID: build",
		"The following dependencies were found:",
		"<ts>",
		"- image:",
		"  runtime-dependency: null",
		"  git: {}",
	})
	if !strings.Contains(r.log, "unterminated heredoc") {
		t.Error("the warning does not say what is wrong")
	}
	deps := r.res.Dependencies
	if len(deps) != 1 || deps[0].Image == nil || deps[0].Runtime != nil || deps[0].Buildtime != nil {
		t.Fatalf("report %+v, want one image without dependencies", deps)
	}
	if got, want := deps[0].Image.Digest, r.res.Step("build").ImageID; got != want {
		t.Errorf("image digest %q, want the image id %q", got, want)
	}
}

// A failed build step that ignores errors built nothing: its tag is
// reported without a digest, never with the one of an older image of that
// name in the local store.
func TestDependenciesE2EIgnoredFailedBuild(t *testing.T) {
	t.Parallel()
	reg := testenv.Registry(t)
	old := reg + "/acbtest/old:1"
	testenv.PushBaseImage(t, reg, "acbtest/old:1", "older image\n")
	removeImages(t, old)
	ctx := testenv.Context(t, 3*time.Minute)
	if err := testenv.Engine(t).Pull(ctx, old, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM " + testenv.BusyboxImage(t) + "\nRUN exit 3\n"})
	src, err := source.Prepare(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Cleanup()
	r := runReal(t, ctx, `
steps:
  - id: build
    build: -t `+old+` .
    ignoreErrors: true
`, Options{Source: src}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	deps := r.res.Dependencies
	if len(deps) != 1 || deps[0].Image == nil {
		t.Fatalf("report %+v", deps)
	}
	if deps[0].Image.Digest != "" {
		t.Errorf("failed build reported digest %q (the older %s)", deps[0].Image.Digest, old)
	}
}

// (c) git-head-revision: a git work tree, a sub-directory of one, and a
// cloned repository all report HEAD; a plain directory reports nothing.
func TestDependenciesGitRevisionOfContext(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"sub/Dockerfile": "FROM scratch\n"})
	git := func(args ...string) string { return testenv.Git(t, dir, args...) }
	git("init", "--quiet")
	git("add", ".")
	git("commit", "--quiet", "-m", "one")
	head := git("rev-parse", "HEAD")
	plain := t.TempDir()
	for _, tc := range []struct{ name, src, want string }{
		{"work tree", dir, head},
		{"sub-directory", filepath.Join(dir, "sub"), head},
		{"clone", "file://" + dir, head},
		{"plain directory", plain, ""},
	} {
		src, err := source.Prepare(context.Background(), tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if src.Commit != tc.want {
			t.Errorf("%s: commit %q, want %q", tc.name, src.Commit, tc.want)
		}
		r := &run{opts: &Options{Source: src}}
		if got := r.gitRevision(); got != tc.want {
			t.Errorf("%s: git-head-revision %q, want %q", tc.name, got, tc.want)
		}
		src.Cleanup()
	}
}

// A remote build context is fetched by the engine: the run's source
// revision says nothing about it, so the report leaves it empty.
func TestDependenciesRemoteContextHasNoRevision(t *testing.T) {
	t.Parallel()
	c := newConsole(nil, false)
	for _, tc := range []struct{ context, want string }{
		{".", "abc"},
		{"https://example.invalid/repo.git#main", ""},
		{"https://example.invalid/ctx.tar.gz", ""},
	} {
		r := &run{opts: &Options{Source: &source.Source{Commit: "abc"}}, c: c}
		s := &graph.Step{ID: "b", Type: graph.BuildStep}
		b := mustParseBuild(t, "-t x:1 "+tc.context)
		r.scanDependencies(s, b, nil, nil)
		deps := r.report.byStep["b"]
		if len(deps) != 1 || deps[0].Git == nil || deps[0].Git.GitHeadRevision != tc.want {
			t.Errorf("context %s: report %+v, want revision %q", tc.context, deps, tc.want)
		}
	}
}

func mustParseBuild(t *testing.T, s string) *args.Build {
	t.Helper()
	b, err := args.ParseBuild(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
