package watch

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func write(t *testing.T, p, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// next returns the next change, or "" after d.
func next(w *Watcher, d time.Duration) string {
	select {
	case p := <-w.C:
		return p
	case <-time.After(d):
		return ""
	}
}

func TestWatch(t *testing.T) {
	tree := t.TempDir()
	other := t.TempDir()
	values := filepath.Join(other, "values.yaml")
	write(t, values, "a: 1\n")
	write(t, filepath.Join(tree, ".dockerignore"), "ignored/\n*.log\n")
	write(t, filepath.Join(tree, "src", "main.go"), "package main\n")
	write(t, filepath.Join(tree, "ignored", "x"), "x")
	ws := filepath.Join(tree, "ws")
	write(t, filepath.Join(ws, "out"), "x")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := New(ctx, Options{Files: []string{values}, Tree: tree, Skip: []string{ws}, Debounce: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	quiet := 400 * time.Millisecond

	write(t, filepath.Join(tree, "src", "main.go"), "package main // changed\n")
	if p := next(w, 5*time.Second); p != filepath.Join(tree, "src", "main.go") {
		t.Fatalf("change in the tree: %q", p)
	}
	// Ignored by .dockerignore, .git, the skipped workspace: nothing.
	write(t, filepath.Join(tree, "ignored", "x"), "y")
	write(t, filepath.Join(tree, "build.log"), "y")
	write(t, filepath.Join(tree, ".git", "HEAD"), "y")
	write(t, filepath.Join(ws, "out"), "y")
	if p := next(w, quiet); p != "" {
		t.Fatalf("ignored path reported: %q", p)
	}
	// A burst is one change.
	for i := 0; i < 5; i++ {
		write(t, filepath.Join(tree, "src", "burst"), "z")
	}
	if p := next(w, 5*time.Second); p == "" {
		t.Fatal("burst not reported")
	}
	if p := next(w, quiet); p != "" {
		t.Fatalf("burst reported twice: %q", p)
	}
	// A new directory is watched too.
	write(t, filepath.Join(tree, "new", "deep", "f"), "1")
	if p := next(w, 5*time.Second); p == "" {
		t.Fatal("new directory not reported")
	}
	_ = next(w, quiet)
	write(t, filepath.Join(tree, "new", "deep", "f"), "2")
	if p := next(w, 5*time.Second); p != filepath.Join(tree, "new", "deep", "f") {
		t.Fatalf("file in a new directory: %q", p)
	}
	// A watched file replaced by a rename, as editors save.
	tmp := filepath.Join(other, ".values.yaml.swp")
	write(t, tmp, "a: 2\n")
	if err := os.Rename(tmp, values); err != nil {
		t.Fatal(err)
	}
	if p := next(w, 5*time.Second); p != values {
		t.Fatalf("renamed values file: %q", p)
	}
	// Other files next to a watched file are not watched.
	write(t, filepath.Join(other, "unrelated"), "x")
	if p := next(w, quiet); p != "" {
		t.Fatalf("unrelated file reported: %q", p)
	}
}
