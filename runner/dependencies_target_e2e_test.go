package runner

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/source"
)

// TestDependenciesE2ETargetAndBuildArg builds a multi-stage Dockerfile with
// --target and --build-arg: the runtime dependency is the target stage's
// base as the build argument chose it (not the ARG's default, not the last
// stage's), the build-time ones the stages before the target.
func TestDependenciesE2ETargetAndBuildArg(t *testing.T) {
	t.Parallel()
	reg := testenv.Registry(t)
	d1 := testenv.PushBaseImage(t, reg, "base:1", "base one\n")
	d2 := testenv.PushBaseImage(t, reg, "base2:1", "base two\n")
	testenv.PushBaseImage(t, reg, "base3:1", "base three\n")
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile": "ARG RUNTIME=" + reg + "/base:1\n" +
			"FROM " + reg + "/base:1 AS build\nCOPY . /src\n" +
			"FROM ${RUNTIME} AS runtime\nCOPY --from=build /src /app\n" +
			"FROM " + reg + "/base3:1 AS final\n",
		"check/Dockerfile": "FROM " + testenv.BusyboxImage(t) + " AS tools\nFROM " + reg + "/acbtest/target:v1\n" +
			"COPY --from=tools /bin/busybox /bin/busybox\nRUN [\"/bin/busybox\", \"cat\", \"/base.txt\", \"/app/Dockerfile\"]\n",
	})
	src, err := source.Prepare(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Cleanup()
	tag := reg + "/acbtest/target:v1"
	removeImages(t, tag, reg+"/base:1", reg+"/base2:1", reg+"/base3:1")
	r := runReal(t, testenv.Context(t, 3*time.Minute), `
steps:
  - id: build
    build: --target runtime --build-arg RUNTIME=`+reg+`/base2:1 -t `+tag+` .
  - id: check
    workingDirectory: check
    build: --no-cache -t `+tag+`-check .
`, Options{Source: src}, false)
	removeImages(t, tag+"-check")
	if r.err != nil {
		t.Fatal(r.err)
	}
	id := r.res.Step("build").ImageID
	want := "- image:\n" +
		"    registry: " + reg + "\n" +
		"    repository: acbtest/target\n" +
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
		"  git: {}\n"
	if got := reportTail(t, r.log); !strings.HasPrefix(got, want) { // the check build's entry follows
		t.Errorf("printed report:\n%s\nwant:\n%s", got, want)
	}
	// The engine built the target stage from the argument's base: the
	// check build prints base2's file and the build stage's copy.
	if !strings.Contains(r.out, "base two\n") || !strings.Contains(r.out, "AS runtime") || strings.Contains(r.out, "base three") {
		t.Errorf("the image is not the target stage built on base2:\n%s", r.out)
	}
}
