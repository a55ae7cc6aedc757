package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

// scanOptions are the build settings of the testdata/scan Dockerfiles that
// need any.
var scanOptions = map[string]ScanOptions{
	"arg-override":       {BuildArgs: map[string]string{"GO_VERSION": "1.23", "BASE": "debian:12-slim"}},
	"arg-between-stages": {BuildArgs: map[string]string{"build_image": "aspnetcore-build", "build_version": "2.0.6"}},
	"target":             {Target: "build"},
	"target-missing":     {Target: "nope"},
}

// scanGolden is what a golden file holds for one Dockerfile.
type scanGolden struct {
	Error     string            `json:"error,omitempty"`
	Syntax    bool              `json:"syntax,omitempty"`
	Runtime   *ImageReference   `json:"runtime"`
	Buildtime []*ImageReference `json:"buildtime"`
	Stages    []Stage           `json:"stages"`
	Warnings  []string          `json:"warnings"`
}

func TestScanGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/scan/*.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".Dockerfile")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var got scanGolden
			res, err := Scan(bytes.NewReader(src), scanOptions[name])
			if err != nil {
				got.Error = err.Error()
				got.Syntax = errors.Is(err, ErrSyntax)
			} else {
				got.Runtime, got.Buildtime, got.Stages, got.Warnings = res.Runtime, res.Buildtime, res.Stages, res.Warnings
			}
			b, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, strings.TrimSuffix(file, ".Dockerfile")+".golden", append(b, '\n'))
		})
	}
}

// checkGolden compares got with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
}

func TestScanReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := Scan(iotest.ErrReader(boom), ScanOptions{})
	if !errors.Is(err, boom) || errors.Is(err, ErrSyntax) {
		t.Errorf("Scan(failing reader) = %v; want a read error that is not ErrSyntax", err)
	}
}

func TestScanDoesNotModifyBuildArgs(t *testing.T) {
	args := map[string]string{"A": "1"}
	if _, err := Scan(strings.NewReader("ARG B=2\nFROM alpine:$A$B\n"), ScanOptions{BuildArgs: args}); err != nil {
		t.Fatal(err)
	}
	if len(args) != 1 || args["A"] != "1" {
		t.Errorf("BuildArgs changed to %v", args)
	}
}
