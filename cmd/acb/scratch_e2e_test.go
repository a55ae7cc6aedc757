package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
)

// TestDepsE2EScratchRuntime builds FROM scratch and checks the runtime
// dependency is reported as ACR reports it, in the printed YAML and in
// --report-file: registry.hub.docker.com, library/scratch, latest, no
// digest.
func TestDepsE2EScratchRuntime(t *testing.T) {
	t.Parallel()
	testenv.RequireEngine(t)
	ctx := testenv.Context(t, 3*time.Minute)
	tag := "acbtest/scratchdep:" + strconv.FormatInt(time.Now().UnixNano(), 36)
	t.Cleanup(func() { _ = testenv.Engine(t).RemoveImage(context.Background(), tag) })
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM scratch\nCOPY hello.txt /\n",
		"hello.txt":  "hello\n",
		"acb.yaml":   "steps:\n  - id: build\n    build: -t " + tag + " .\n",
	})
	reportFile := filepath.Join(t.TempDir(), "report.json")
	_, stderr, code := depsRun(t, ctx, "run", "-f", "acb.yaml", "--unique-names", "--report-file", reportFile, dir)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	wantYAML := "  runtime-dependency:\n    registry: registry.hub.docker.com\n    repository: library/scratch\n    tag: latest\n    digest: \"\"\n"
	if got := depsPrintedYAML(t, stderr); !strings.Contains(got, wantYAML) {
		t.Errorf("printed report lacks\n%s\ngot:\n%s", wantYAML, got)
	}
	raw, err := os.ReadFile(reportFile)
	if err != nil {
		t.Fatal(err)
	}
	var file []map[string]any
	if err := json.Unmarshal(raw, &file); err != nil || len(file) != 1 {
		t.Fatalf("report file %s: %v", raw, err)
	}
	want := map[string]any{"registry": "registry.hub.docker.com", "repository": "library/scratch", "tag": "latest", "digest": "", "reference": "scratch:latest"}
	if got := file[0]["runtime-dependency"]; !reflect.DeepEqual(got, want) {
		t.Errorf("report file runtime-dependency = %v, want %v", got, want)
	}
}
