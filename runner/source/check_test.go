package source

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/fault"
)

// TestGitContextOptionInjection: repository and ref arguments that git
// would read as options are input errors; nothing runs and no host file
// appears in the message. A branch that exists only on the remote still
// checks out.
func TestGitContextOptionInjection(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	testenv.Git(t, repo, "init", "-q", "-b", "main")
	if err := os.WriteFile(filepath.Join(repo, "acb.yaml"), []byte("steps: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.Git(t, repo, "add", ".")
	testenv.Git(t, repo, "commit", "-q", "-m", "c")
	testenv.Git(t, repo, "branch", "feature")
	secret := filepath.Join(t.TempDir(), "host-secret")
	if err := os.WriteFile(secret, []byte("line-from-a-host-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "pwned")
	for _, arg := range []string{
		repo + "#--pathspec-from-file=" + secret,
		repo + "#-q",
		"--upload-pack=touch " + marker + ".git",
		"--upload-pack=touch " + marker + "#main",
		"ext::sh -c touch% " + marker + "#main",
		repo + "#main\n--x",
	} {
		src, err := Prepare(context.Background(), arg)
		if err == nil {
			src.Cleanup()
		}
		if !errors.Is(err, fault.ErrInput) || strings.Contains(err.Error(), "line-from-a-host-file") {
			t.Errorf("Prepare(%q) = %v; want an input error without the host file", arg, err)
		}
		if _, serr := os.Stat(marker); serr == nil {
			t.Fatalf("Prepare(%q) ran a command", arg)
		}
	}
	src, err := Prepare(context.Background(), "file://"+repo+"#feature")
	if err != nil {
		t.Fatalf("remote branch: %v", err)
	}
	defer src.Cleanup()
	if src.Branch != "feature" || src.Commit == "" {
		t.Errorf("remote branch: branch %q commit %q", src.Branch, src.Commit)
	}
}

// TestTarContextsCheckedBeforeTheEngine: archives the engine would refuse
// are input errors when the context is prepared.
func TestTarContextsCheckedBeforeTheEngine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, entries ...tar.Header) string {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		for _, h := range entries {
			h := h
			body := "x"
			if h.Typeflag == tar.TypeLink || h.Typeflag == tar.TypeSymlink {
				body = ""
			}
			h.Size = int64(len(body))
			h.Mode = 0o644
			if err := tw.WriteHeader(&h); err != nil {
				t.Fatal(err)
			}
			if _, err := tw.Write([]byte(body)); err != nil {
				t.Fatal(err)
			}
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.tar", tar.Header{Name: "acb.yaml"}, tar.Header{Name: "/abs.txt"},
		tar.Header{Name: "hard", Typeflag: tar.TypeLink, Linkname: "acb.yaml"},
		tar.Header{Name: "soft", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"})
	src, err := Prepare(context.Background(), good)
	if err != nil {
		t.Fatalf("good archive: %v", err)
	}
	src.Cleanup()
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.tar")
	text := filepath.Join(dir, "text.tar")
	if err := os.WriteFile(truncated, goodBytes[:1300], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(text, []byte("not a tar at all, just text\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		truncated, text,
		write("escape.tar", tar.Header{Name: "acb.yaml"}, tar.Header{Name: "../escape.txt"}),
		write("hardlink.tar", tar.Header{Name: "acb.yaml"}, tar.Header{Name: "link", Typeflag: tar.TypeLink, Linkname: "/etc/passwd"}),
	} {
		if _, err := Prepare(context.Background(), p); !errors.Is(err, fault.ErrInput) {
			t.Errorf("Prepare(%s) = %v; want an input error", filepath.Base(p), err)
		}
	}
}
