package samples

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// corpusPathLiteral matches a Go string literal that is a path to the corpus
// (no spaces, so messages that mention it do not count).
var corpusPathLiteral = regexp.MustCompile(`"[^" \n]*shared/acr-samples[^" \n]*"`)

// TestCorpusFoundOneWay keeps every test finding the corpus through Dir
// (relative to the module), never by an absolute machine path or a
// hand-counted ../ chain that depends on where the checkout sits.
func TestCorpusFoundOneWay(t *testing.T) {
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from %s: %v", root, err)
	}
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || filepath.Base(filepath.Dir(p)) == "samples" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		for _, m := range corpusPathLiteral.FindAllString(string(b), -1) {
			t.Errorf("%s: corpus path %s; use samples.Dir()", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("only %d Go files checked; is the module root right?", n)
	}
}
