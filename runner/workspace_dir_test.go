package runner

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func tarOf(t *testing.T, entries ...tar.Header) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range entries {
		body := h.Linkname
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(h.Name))
			body = h.Name
		}
		hh := h
		if err := tw.WriteHeader(&hh); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte(body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func TestExtractTar(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kept"), []byte("from before"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("old, longer content"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := extractTar(tarOf(t,
		tar.Header{Typeflag: tar.TypeReg, Name: "a.txt", Mode: 0o600},
		tar.Header{Typeflag: tar.TypeReg, Name: "sub/deep/b.txt", Mode: 0o644},
		tar.Header{Typeflag: tar.TypeSymlink, Name: "link", Linkname: "a.txt"},
	), dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a.txt": "a.txt", "sub/deep/b.txt": "sub/deep/b.txt", "kept": "from before", "link": "a.txt"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", name, b, err, want)
		}
	}
	if fi, _ := os.Stat(filepath.Join(dir, "a.txt")); fi.Mode().Perm() != 0o600 {
		t.Errorf("a.txt mode %v", fi.Mode())
	}
}

func TestExtractTarStaysInside(t *testing.T) {
	outside := t.TempDir()
	for name, entries := range map[string][]tar.Header{
		"dot-dot": {{Typeflag: tar.TypeReg, Name: "../escape", Mode: 0o644}},
		"through a symlink": {
			{Typeflag: tar.TypeSymlink, Name: "out", Linkname: outside},
			{Typeflag: tar.TypeReg, Name: "out/escape", Mode: 0o644},
		},
	} {
		dir := t.TempDir()
		err := extractTar(tarOf(t, entries...), dir)
		if _, serr := os.Stat(filepath.Join(outside, "escape")); serr == nil {
			t.Fatalf("%s: a file was written outside the workspace", name)
		}
		if _, serr := os.Stat(filepath.Join(filepath.Dir(dir), "escape")); serr == nil {
			t.Fatalf("%s: a file was written next to the workspace", name)
		}
		if err == nil && name == "through a symlink" {
			t.Errorf("%s: no error", name)
		}
	}
}
