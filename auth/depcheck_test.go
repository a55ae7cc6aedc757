package auth

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoACBImports keeps the dependency direction cmd/acb -> runner -> auth:
// the package's non-test files import no other acb package but secrets (Key
// Vault URL rules) and the leaves internal/retry and internal/loopback
// (internal/depcheck holds the whole map).
func TestNoACBImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/acb-dev/acb/") && path != "github.com/acb-dev/acb/internal/retry" && path != "github.com/acb-dev/acb/internal/loopback" &&
				path != "github.com/acb-dev/acb/secrets" {
				t.Errorf("%s imports %s", f, path)
			}
		}
	}
}
