package source

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/testenv"
)

// TestGitHead: HEAD's commit and branch from one git process, from the
// work tree or a directory inside it; "HEAD" as the branch when detached;
// nothing in a directory no repository holds, or before the first commit.
func TestGitHead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := t.TempDir()
	testenv.Git(t, repo, "init", "-q", "-b", "trunk")
	if c, b := gitHead(ctx, repo); c != "" || b != "" {
		t.Errorf("no commit yet: %q %q, want empty", c, b)
	}
	sub := filepath.Join(repo, "app", "src")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "f"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.Git(t, repo, "add", ".")
	testenv.Git(t, repo, "commit", "-q", "-m", "c")
	want := strings.TrimSpace(testenv.Git(t, repo, "rev-parse", "HEAD"))
	for _, dir := range []string{repo, sub} {
		if c, b := gitHead(ctx, dir); c != want || b != "trunk" {
			t.Errorf("%s: %q %q, want %q trunk", dir, c, b, want)
		}
	}
	testenv.Git(t, repo, "checkout", "-q", "--detach")
	if c, b := gitHead(ctx, repo); c != want || b != "HEAD" {
		t.Errorf("detached: %q %q, want %q HEAD", c, b, want)
	}

	// A plain directory: what git itself says (nothing, unless the
	// temporary directory happens to be inside a repository).
	plain := t.TempDir()
	var wantPlain string
	if out, err := exec.Command("git", "-C", plain, "rev-parse", "HEAD").Output(); err == nil {
		wantPlain = strings.TrimSpace(string(out))
	}
	if c, _ := gitHead(ctx, plain); c != wantPlain {
		t.Errorf("plain directory: commit %q, want %q", c, wantPlain)
	}
	if wantPlain == "" && mayBeInGitRepo(plain) && os.Getenv("GIT_DIR") == "" {
		t.Errorf("plain directory %s: git would find no repository, yet git is started", plain)
	}
}
