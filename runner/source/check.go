package source

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"strings"
	"time"
	"unicode"
)

// contextFetchTimeout bounds a git clone (with its checkout) and a tarball
// download, whatever the run's own timeout.
const contextFetchTimeout = 10 * time.Minute

// gitCommand runs git with the transports a source context may use and
// nothing that reads the user's or the repository's hooks into acb's
// output. The arguments must already be validated.
func gitCommand(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Env = append(os.Environ(),
		// ext:: and fd:: would run commands; only these transports clone.
		"GIT_ALLOW_PROTOCOL=file:git:http:https:ssh",
		"GIT_TERMINAL_PROMPT=0", // never wait for a password on the terminal
	)
	return cmd
}

// checkGitRepo refuses a repository argument git could read as an option
// (--upload-pack=...) or that holds control characters.
func checkGitRepo(repo string) error {
	if repo == "" {
		return errors.New("empty repository")
	}
	if strings.HasPrefix(repo, "-") {
		return errors.New("a repository may not start with '-'")
	}
	if strings.IndexFunc(repo, unicode.IsControl) >= 0 {
		return errors.New("the repository holds control characters")
	}
	return nil
}

// checkGitRef refuses a ref git could read as an option
// (--pathspec-from-file=...) or that is not a valid ref or commit name.
func checkGitRef(ref string) error {
	switch {
	case strings.HasPrefix(ref, "-"):
		return fmt.Errorf("ref %q may not start with '-'", ref)
	case strings.IndexFunc(ref, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0,
		strings.ContainsAny(ref, "~^:?*[\\"), strings.Contains(ref, ".."), strings.Contains(ref, "@{"):
		return fmt.Errorf("ref %q is not a valid branch, tag or commit name", ref)
	}
	return nil
}

// checkArchive reads every header of a tar or tar.gz context and refuses
// what the engine would refuse later (as an engine error): a file that is
// not a tar, a truncated one, entries outside the archive's root and hard
// links to entries it does not hold.
func checkArchive(name string) error {
	rc, err := openArchive(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	seen := map[string]bool{}
	for n := 0; ; n++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return inputErr("source context %s: not a tar archive, or an empty one", name)
			}
			return nil
		}
		if err != nil {
			return inputErr("source context %s: not a valid tar archive: %w", name, err)
		}
		entry := path.Clean(strings.TrimPrefix(h.Name, "/"))
		if entry == ".." || strings.HasPrefix(entry, "../") {
			return inputErr("source context %s: entry %q is outside the archive's root", name, h.Name)
		}
		if h.Typeflag == tar.TypeLink {
			target := path.Clean(strings.TrimPrefix(h.Linkname, "/"))
			if !seen[target] {
				return inputErr("source context %s: hard link %q points to %q, which is not an earlier entry of the archive", name, h.Name, h.Linkname)
			}
		}
		seen[entry] = true
		if _, err := io.Copy(io.Discard, tr); err != nil {
			return inputErr("source context %s: not a valid tar archive: %w", name, err)
		}
	}
}
