package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzScan checks that Scan never panics, that every failure wraps
// ErrSyntax, and that whatever it finds can be reported.
func FuzzScan(f *testing.F) {
	files, err := filepath.Glob("testdata/scan/*.Dockerfile")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		opts := scanOptions[strings.TrimSuffix(filepath.Base(file), ".Dockerfile")]
		f.Add(src, opts.Target, "BASE", "alpine")
	}
	f.Fuzz(func(t *testing.T, src []byte, target, argKey, argValue string) {
		opts := ScanOptions{Target: target, BuildArgs: map[string]string{argKey: argValue}}
		res, err := Scan(bytes.NewReader(src), opts)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Scan error does not wrap ErrSyntax: %v", err)
			}
			return
		}
		if len(res.Stages) == 0 {
			t.Fatal("Scan succeeded with no stages")
		}
		deps := ForBuild([]string{"r.io/app:1"}, res, "abc")
		for _, r := range Refs(deps) {
			if _, err := ParseReference(r.Name()); err != nil {
				t.Fatalf("Name() %q of %+v does not parse: %v", r.Name(), r, err)
			}
		}
		var buf bytes.Buffer
		if err := WriteJSON(&buf, deps); err != nil {
			t.Fatal(err)
		}
		if err := WriteYAML(&buf, deps); err != nil {
			t.Fatal(err)
		}
	})
}
