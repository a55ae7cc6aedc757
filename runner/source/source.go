package source

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// Source is a prepared source context: what is copied into the run volume
// before the first step.
type Source struct {
	// Dir is a local directory whose content is streamed into the run
	// volume (symlinks preserved). Empty when Archive is set or there is
	// no source.
	Dir string
	// Archive is a local tar or tar.gz file streamed (decompressed) into
	// the run volume instead of Dir.
	Archive string
	// Commit and Branch come from git rev-parse for git contexts (and local
	// directories inside a git work tree); empty otherwise.
	Commit string
	Branch string
	// SubDir is the sub-directory of a git context (repo.git#ref:subdir):
	// the default working directory of steps that set none, relative to
	// /workspace.
	SubDir string
	// Cleanup removes temporary files; never nil once returned.
	Cleanup func()
}

// Prepare turns a source context argument into a Source:
//
//   - "" or "/dev/null": no source;
//   - an http(s) URL ending in .git (with an optional #ref:subdir), a
//     file:// URL, a local path ending in .git, or any local path with a
//     #fragment: cloned with the host's git into a temporary directory;
//   - another http(s) URL: a tarball downloaded to a temporary file;
//   - a local directory (git metadata read if it is a work tree);
//   - a local tar or tar.gz file.
//
// The caller must call Cleanup when the run is over.
func Prepare(ctx context.Context, src string) (*Source, error) {
	none := func() {}
	if src == "" || src == os.DevNull {
		return &Source{Cleanup: none}, nil
	}
	repo, frag := splitFragment(src)
	lower := strings.ToLower(repo)
	isHTTP := strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
	switch {
	case strings.HasPrefix(lower, "file://"),
		strings.HasPrefix(lower, "git@"),
		strings.HasPrefix(lower, "git://"),
		isHTTP && strings.HasSuffix(strings.TrimSuffix(lower, "/"), ".git"),
		!isHTTP && (strings.HasSuffix(strings.TrimSuffix(lower, "/"), ".git") || frag != ""):
		return cloneContext(ctx, repo, frag)
	case isHTTP:
		return downloadContext(ctx, src)
	}
	fi, err := os.Stat(src)
	if err != nil {
		return nil, inputErr("source context %q: %w", src, err)
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		return nil, inputErr("source context %q is neither a directory nor a regular file (a tar or tar.gz)", src)
	}
	if fi.IsDir() {
		s := &Source{Dir: src, Cleanup: none}
		// Like acr-builder's "git rev-parse --verify HEAD" in the context:
		// also a sub-directory of a work tree has its HEAD; elsewhere git
		// fails and both stay empty.
		s.Commit, s.Branch = gitHead(ctx, src)
		return s, nil
	}
	if err := checkArchive(src); err != nil {
		return nil, err
	}
	return &Source{Archive: src, Cleanup: none}, nil
}

// splitFragment splits "url#ref:subdir" at the last '#'.
func splitFragment(s string) (repo, frag string) {
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// cloneContext clones repo with the host's git and checks out the ref of
// frag ("ref:subdir").
func cloneContext(ctx context.Context, repo, frag string) (*Source, error) {
	ref, sub, _ := strings.Cut(frag, ":")
	if err := checkGitRepo(repo); err != nil {
		return nil, inputErr("git context: %w", err)
	}
	if err := checkGitRef(ref); err != nil {
		return nil, inputErr("git context %s: %w", repo, err)
	}
	ctx, cancel := context.WithTimeout(ctx, contextFetchTimeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "acb-git-")
	if err != nil {
		return nil, fmt.Errorf("source context: %w", err)
	}
	cleanup := func() { _ = os.RemoveAll(dir) } // best effort: a temp dir
	if out, err := gitCommand(ctx, "clone", "--quiet", "--recurse-submodules", "--", repo, dir).CombinedOutput(); err != nil {
		cleanup()
		return nil, inputErr("git clone %s: %w: %s", repo, err, strings.TrimSpace(string(out)))
	}
	if ref != "" {
		// The ref is checked not to start with '-'; "--" ends the paths.
		if out, err := gitCommand(ctx, "-C", dir, "checkout", "--quiet", ref, "--").CombinedOutput(); err != nil {
			cleanup()
			return nil, inputErr("git checkout %s: %w: %s", ref, err, strings.TrimSpace(string(out)))
		}
	}
	s := &Source{Dir: dir, Cleanup: cleanup}
	s.Commit, s.Branch = gitHead(ctx, dir)
	if sub = strings.Trim(path.Clean("/"+sub), "/"); sub != "" {
		if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(sub))); err != nil || !fi.IsDir() {
			cleanup()
			return nil, inputErr("git context %s: sub-directory %q not found", repo, sub)
		}
		s.SubDir = sub
	}
	return s, nil
}

// gitHead returns HEAD's commit and branch in dir; empty when unknown
// (branch "HEAD" when detached, as git says). One git process answers
// both; none starts when no directory from dir up holds a .git entry and
// the environment names no repository, where git could only fail (a
// process start costs several milliseconds of every run).
func gitHead(ctx context.Context, dir string) (commit, branch string) {
	if !mayBeInGitRepo(dir) {
		return "", ""
	}
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "HEAD", "--abbrev-ref", "HEAD").Output()
	if err != nil {
		return "", "" // no commit yet, or not a work tree
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return "", ""
	}
	return strings.TrimSpace(lines[0]), strings.TrimSpace(lines[1])
}

// mayBeInGitRepo reports whether git could find a repository for dir:
// GIT_DIR is set, or dir or one of its parents has a .git file or
// directory.
func mayBeInGitRepo(dir string) bool {
	if os.Getenv("GIT_DIR") != "" {
		return true
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return true // let git decide
	}
	for {
		if _, err := os.Lstat(filepath.Join(abs, ".git")); err == nil {
			return true
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return false
		}
		abs = parent
	}
}

// downloadContext downloads a tarball URL to a temporary file.
func downloadContext(ctx context.Context, url string) (*Source, error) {
	ctx, cancel := context.WithTimeout(ctx, contextFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, inputErr("source context %q: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, networkErr("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 500:
		return nil, networkErr("download %s: %s", url, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return nil, inputErr("download %s: %s", url, resp.Status)
	}
	f, err := os.CreateTemp("", "acb-context-*.tar")
	if err != nil {
		return nil, fmt.Errorf("source context: %w", err)
	}
	cleanup := func() { _ = os.Remove(f.Name()) } // best effort: a temp file
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		cleanup()
		return nil, networkErr("download %s: %w", url, err)
	}
	if err := f.Close(); err != nil {
		cleanup()
		return nil, fmt.Errorf("source context: %w", err)
	}
	if err := checkArchive(f.Name()); err != nil {
		cleanup()
		return nil, err
	}
	return &Source{Archive: f.Name(), Cleanup: cleanup}, nil
}

// Open returns a tar stream of the source's content. The stream is
// produced while it is read: nothing is held in memory.
func Open(s *Source) (io.ReadCloser, error) {
	if s.Archive != "" {
		return openArchive(s.Archive)
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(TarDir(s.Dir, pw)) }() // ends when the walk ends or the reader closes
	return pr, nil
}

// openArchive opens a tar file, decompressing gzip on the fly.
func openArchive(name string) (io.ReadCloser, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, inputErr("source context: %w", err)
	}
	br := bufio.NewReader(f)
	magic, _ := br.Peek(2) // a short file is simply not gzip
	if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, inputErr("source context %s: %w", name, err)
		}
		return readCloser{zr, f}, nil
	}
	return readCloser{br, f}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// TarDir writes dir's content as a tar stream, relative names, symlinks
// kept as links.
func TarDir(dir string, w io.Writer) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		return addFile(tw, p, filepath.ToSlash(rel))
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// addFile writes one file system entry to tw under name.
func addFile(tw *tar.Writer, p, name string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if fi.Mode()&(fs.ModeSocket|fs.ModeNamedPipe|fs.ModeDevice|fs.ModeCharDevice) != 0 {
		return nil // not representable in a build context
	}
	link := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		if link, err = os.Readlink(p); err != nil {
			return err
		}
	}
	hdr, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return err
	}
	hdr.Name = name
	if fi.IsDir() {
		hdr.Name += "/"
	}
	hdr.Uname, hdr.Gname = "", ""
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(tw, f); err != nil {
		return err
	}
	return nil
}

// HasContent reports whether the source has anything to copy.
func (s *Source) HasContent() bool { return s != nil && (s.Dir != "" || s.Archive != "") }
