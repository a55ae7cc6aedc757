package depcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// outputOwners may write to the process's standard streams: the output
// sink, and main, which hands os.Stdout and os.Stderr to it.
var outputOwners = map[string]bool{
	"runner/output":   true,
	"cmd/acb/main.go": true,
}

// separatePrograms are not part of acb: the bench harness and its command
// (a tool of the repository) and the example program a task builds.
var separatePrograms = []string{"internal/bench", "examples"}

// TestOnlyTheSinkWrites checks that no acb code but the output owner
// writes to stdout or stderr: no os.Stdout or os.Stderr, no fmt.Print*,
// print or println, no standard log package output, and no cobra stream
// accessors (OutOrStdout, ErrOrStderr) that would bypass the sink.
func TestOnlyTheSinkWrites(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			for _, p := range separatePrograms {
				if rel == p {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") ||
			outputOwners[rel] || outputOwners[filepath.ToSlash(filepath.Dir(rel))] {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files++
		for _, w := range streamWrites(f) {
			t.Errorf("%s: %s writes around the output sink (runner/output)", fset.Position(w.Pos()), w.what)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("scanned only %d files", files)
	}
}

type streamWrite struct {
	ast.Node
	what string
}

// streamWrites finds the writes to standard streams in f.
func streamWrites(f *ast.File) []streamWrite {
	imports := map[string]string{} // local name → import path
	for _, imp := range f.Imports {
		path := strings.Trim(imp.Path.Value, `"`)
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		imports[name] = path
	}
	var out []streamWrite
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			x, ok := n.X.(*ast.Ident)
			if !ok {
				if n.Sel.Name == "OutOrStdout" || n.Sel.Name == "ErrOrStderr" || n.Sel.Name == "OutOrStderr" {
					out = append(out, streamWrite{n, n.Sel.Name})
				}
				return true
			}
			name := n.Sel.Name
			switch imports[x.Name] {
			case "os":
				if name == "Stdout" || name == "Stderr" {
					out = append(out, streamWrite{n, "os." + name})
				}
			case "fmt":
				if strings.HasPrefix(name, "Print") {
					out = append(out, streamWrite{n, "fmt." + name})
				}
			case "log":
				if strings.HasPrefix(name, "Print") || strings.HasPrefix(name, "Fatal") || strings.HasPrefix(name, "Panic") {
					out = append(out, streamWrite{n, "log." + name})
				}
			}
			if name == "OutOrStdout" || name == "ErrOrStderr" || name == "OutOrStderr" {
				out = append(out, streamWrite{n, name})
			}
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "print" || id.Name == "println") && id.Obj == nil {
				out = append(out, streamWrite{n, id.Name})
			}
		}
		return true
	})
	return out
}
