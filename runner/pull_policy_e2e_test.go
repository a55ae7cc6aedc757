package runner

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/source"
)

// TestIntegrationPullAlwaysReplacesStaleImage: the registry holds a newer
// image than the engine's local copy of the same tag. --pull missing runs
// the stale copy; --pull always and a step's pull: true pull the registry's
// first, against a real registry.
func TestIntegrationPullAlwaysReplacesStaleImage(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	reg := testenv.Registry(t)
	tag := reg + "/acbtest/pulled:" + strconv.FormatInt(time.Now().UnixNano(), 36)
	build := func(marker string, push bool) {
		t.Helper()
		dir := t.TempDir()
		for name, body := range map[string]string{"Dockerfile": "FROM " + bb + "\nCOPY marker /marker\n", "marker": marker + "\n"} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		src, err := source.Prepare(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Cleanup()
		task := "steps:\n  - build: -t " + tag + " .\n"
		if push {
			task += "  - push: [\"" + tag + "\"]\n"
		}
		if r := runReal(t, testenv.Context(t, 3*time.Minute), task, Options{Source: src}, false); r.err != nil {
			t.Fatalf("build %s: %v", marker, r.err)
		}
	}
	t.Cleanup(func() { _ = testenv.Engine(t).RemoveImage(context.Background(), tag) })
	build("fresh", true)  // the registry's image
	build("stale", false) // the engine's local copy, same tag
	run := func(pull, stepPull string) string {
		t.Helper()
		r := runReal(t, testenv.Context(t, 3*time.Minute), "steps:\n  - cmd: "+tag+" cat /marker\n"+stepPull, Options{Pull: pull}, false)
		if r.err != nil {
			t.Fatalf("run (--pull %s%s): %v", pull, stepPull, r.err)
		}
		lines := strings.Split(strings.TrimSpace(r.out), "\n") // the pull's progress, then the step's output
		return lines[len(lines)-1]
	}
	if got := run(PullMissing, ""); got != "stale" {
		t.Fatalf("--pull missing ran %q; want the local stale copy", got)
	}
	if got := run(PullAlways, ""); got != "fresh" {
		t.Errorf("--pull always ran %q; want the registry's image", got)
	}
	build("stale", false)
	if got := run(PullMissing, "    pull: true\n"); got != "fresh" {
		t.Errorf("pull: true ran %q; want the registry's image", got)
	}
}
