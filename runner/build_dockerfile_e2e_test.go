package runner

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/source"
)

// TestIntegrationBuildDockerfileRelativeToWorkdir checks that build -f is
// resolved as the docker CLI (and so ACR) resolves it: relative to the
// step's working directory, not to the build context. Each Dockerfile sets
// WHICH to its own name, and a cmd step prints what the image got.
func TestIntegrationBuildDockerfileRelativeToWorkdir(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile":            "FROM " + bb + "\nENV WHICH=root\n",
		"app/Dockerfile":        "FROM " + bb + "\nENV WHICH=app\n",
		"app/app.txt":           "in app\n",
		"docker/Dockerfile.alt": "FROM " + bb + "\nENV WHICH=alt\nCOPY app/app.txt /\n",
	})
	src, err := source.Prepare(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Cleanup()
	base := "acbtest/dfrel:" + strconv.FormatInt(time.Now().UnixNano(), 36)
	tags := []string{base + "-1", base + "-2", base + "-3"}
	r := runReal(t, testenv.Context(t, 3*time.Minute), `
steps:
  - id: b1
    build: -t `+tags[0]+` -f app/Dockerfile app
  - id: b2
    workingDirectory: app
    build: -t `+tags[1]+` -f ../docker/Dockerfile.alt ..
  - id: b3
    build: -t `+tags[2]+` -f Dockerfile app
  - cmd: `+tags[0]+` sh -c 'echo 1=$WHICH'
  - cmd: `+tags[1]+` sh -c 'echo 2=$WHICH; cat /app.txt'
  - cmd: `+tags[2]+` sh -c 'echo 3=$WHICH'
`, Options{Source: src}, false)
	defer func() {
		for _, tag := range tags {
			_ = r.eng.RemoveImage(context.Background(), tag)
		}
	}()
	if r.err != nil {
		t.Fatal(r.err)
	}
	if want := "1=app\n2=alt\nin app\n3=root\n"; !strings.Contains(r.out, want) {
		t.Errorf("output %q, want it to contain %q", r.out, want)
	}
}
