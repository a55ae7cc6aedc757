package graph

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/acb-dev/acb/internal/samples"
)

// samplesDir finds the shared sample corpus relative to the module, as
// every package's tests do.
func samplesDir() (string, bool) {
	dir := samples.Dir()
	return dir, dir != ""
}

// TestSamplesNeverPanic parses every YAML file of the sample corpus,
// templated or not, strictly and leniently. Conformance (which samples must
// be accepted) is left to the integration tests; here Parse must only
// return, and an accepted task must give a DAG.
func TestSamplesNeverPanic(t *testing.T) {
	dir, ok := samplesDir()
	if !ok {
		t.Skip("sample corpus ../shared/acr-samples (beside the module root) not found; skipping")
	}
	n := 0
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if ext := filepath.Ext(path); ext != ".yaml" && ext != ".yml" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		for _, lenient := range []bool{false, true} {
			task, err := Parse(src, ParseOptions{File: path, Lenient: lenient})
			if err != nil {
				continue
			}
			if _, err := NewDAG(task); err != nil {
				t.Errorf("%s: Parse accepted it but NewDAG failed: %v", path, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Skip("no YAML files in the sample corpus")
	}
}
