package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/spf13/cobra"

	"github.com/google/go-cmp/cmp"
)

// manDate is the month in a man page's .TH line, the one part of the
// generated docs that changes without the command tree changing.
var manDate = regexp.MustCompile(`(?m)^(\.TH "[^"]*" "[^"]*") "[^"]*"`)

// TestDocsAreCurrent regenerates the command docs and man pages and
// compares them with docs/: a command, flag or help text changed without
// `make docs` fails here.
func TestDocsAreCurrent(t *testing.T) {
	fresh := t.TempDir()
	if err := writeDocs(func() *cobra.Command { return newRootCommand(discardCLI()) }, fresh); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"cli", "man"} {
		want, got := readTree(t, filepath.Join(fresh, sub)), readTree(t, filepath.Join("..", "..", "docs", sub))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("docs/%s is stale; run `make docs` and commit the result (-generated +docs/%s):\n%s", sub, sub, diff)
		}
	}
}

// readTree reads every file of dir by name, man page dates blanked.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%v (run `make docs`)", err)
	}
	files := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = manDate.ReplaceAllString(string(b), `$1 ""`)
	}
	if len(files) == 0 {
		t.Fatalf("%s is empty (run `make docs`)", dir)
	}
	return files
}

func TestEscapeMarkdown(t *testing.T) {
	if got := escapeMarkdown("acb_vol_<uuid> *x* `y` [z]"); got != "acb\\_vol\\_\\<uuid\\> \\*x\\* \\`y\\` \\[z\\]" {
		t.Errorf("got %q", got)
	}
}
