package runner

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/args"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/source"
)

func TestReadsHostWorkspace(t *testing.T) {
	dirSrc := &source.Source{Dir: "/src"}
	for _, tc := range []struct {
		name string
		task string
		src  *source.Source
		want bool
	}{
		{"build and push only", "steps:\n  - build: -t x .\n  - push: [x]\n", dirSrc, true},
		{"a cmd step writes the workspace", "steps:\n  - cmd: bb touch f\n  - build: -t x .\n", dirSrc, false},
		{"archive source", "steps:\n  - build: -t x .\n", &source.Source{Archive: "/a.tar"}, false},
		{"no source", "steps:\n  - build: -t x .\n", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := readsHostWorkspace(parseTask(t, tc.task).Steps, tc.src); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestIntegrationBuildFromHostWorkspace builds a task with no cmd steps,
// whose context is read from the source directory, and checks the image
// holds what the volume path would have given it: .dockerignore applied,
// a Dockerfile outside the context, a symlink kept as a link.
func TestIntegrationBuildFromHostWorkspace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"docker/app.dockerfile": "FROM " + testenv.BusyboxImage(t) + "\nCOPY . /ctx\n",
		"app/keep.txt":          "keep\n",
		"app/drop.log":          "drop\n",
		"app/.dockerignore":     "*.log\n",
	}
	writeTree(t, dir, files)
	if err := os.Symlink("keep.txt", filepath.Join(dir, "app", "link.txt")); err != nil {
		t.Fatal(err)
	}
	src, err := source.Prepare(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Cleanup()
	tag := "acbtest/hostws:" + strconv.FormatInt(time.Now().UnixNano(), 36)
	var scanned []byte
	opts := Options{Source: src, testHooks: testHooks{scan: func(_ context.Context, _ *graph.Step, _ *args.Build, df []byte) error { scanned = df; return nil }}}
	r := runReal(t, testenv.Context(t, 3*time.Minute), `
steps:
  - id: build
    build: -t `+tag+` -f docker/app.dockerfile app
`, opts, false)
	defer func() { _ = r.eng.RemoveImage(context.Background(), tag) }()
	if r.err != nil {
		t.Fatal(r.err)
	}
	if string(scanned) != files["docker/app.dockerfile"] {
		t.Errorf("scan hook got %q", scanned)
	}
	var out bytes.Buffer
	code, err := r.eng.RunContainer(context.Background(), engine.ContainerSpec{
		Name: "hostws-" + r.runID, Image: tag, Cmd: []string{"sh", "-c", "ls -a /ctx; readlink /ctx/link.txt"}, AutoRemove: true,
	}, engine.Streams{Stdout: &out, Stderr: &out})
	if err != nil || code != 0 {
		t.Fatalf("inspecting the image: exit %d, %v: %s", code, err, out.String())
	}
	got := out.String()
	for _, want := range []string{"keep.txt\n", "link.txt\n", ".dockerignore\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("image lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "drop.log") || strings.Contains(got, ".dockerfile.") {
		t.Errorf(".dockerignore not applied or the Dockerfile left in /ctx:\n%s", got)
	}
	if !strings.HasSuffix(got, "keep.txt\n") {
		t.Errorf("symlink not kept as a link:\n%s", got)
	}
}
