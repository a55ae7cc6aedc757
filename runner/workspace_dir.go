package runner

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/source"
)

// A host workspace (Options.Workspace) is bound at /workspace instead of a
// fresh run volume: it is created when missing and never deleted, so a
// later run (--from STEP) finds the files earlier steps wrote. Build steps
// read their context from it directly (the bind makes it always current).

// hostDir is the host directory build steps read /workspace from: the
// host workspace when there is one, else the source directory.
func (r *run) hostDir() string {
	if r.workspace != "" {
		return r.workspace
	}
	return r.opts.Source.Dir
}

// workspaceName names /workspace's backing in log lines: the run volume or
// the host workspace.
func (r *run) workspaceName() string {
	if r.workspace != "" {
		return r.workspace
	}
	return r.vol
}

// setupHostWorkspace creates the host workspace if missing and copies the
// source context into it: files of the context replace files of the same
// name, everything else in the directory stays. Nothing is copied when the
// workspace is the source directory itself.
func (r *run) setupHostWorkspace() error {
	if err := os.MkdirAll(r.workspace, 0o755); err != nil {
		return inputErr("--workspace: %w", err)
	}
	src := r.opts.Source
	if !src.HasContent() || sameDir(src.Dir, r.workspace) {
		return nil
	}
	rc, err := source.Open(src)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := extractTar(rc, r.workspace); err != nil {
		return fmt.Errorf("copying the source context into the workspace %s: %w", r.workspace, err)
	}
	return nil
}

// sameDir reports whether a and b are the same directory.
func sameDir(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// extractTar unpacks a tar stream into dir. Every path resolves inside dir
// (os.Root): names and links cannot reach outside it. Regular files,
// directories, symbolic and hard links are written; other entries are
// skipped. An existing entry of another kind is replaced.
func extractTar(r io.Reader, dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "/"))
		if name == "." {
			continue
		}
		name = filepath.FromSlash(name)
		if parent := filepath.Dir(name); parent != "." {
			if err := root.MkdirAll(parent, 0o755); err != nil {
				return err
			}
		}
		mode := fs.FileMode(h.Mode).Perm()
		switch h.Typeflag {
		case tar.TypeDir:
			if fi, err := root.Lstat(name); err == nil && !fi.IsDir() {
				if err := root.Remove(name); err != nil {
					return err
				}
			}
			if err := root.MkdirAll(name, mode|0o700); err != nil {
				return err
			}
		case tar.TypeReg:
			if fi, err := root.Lstat(name); err == nil && !fi.Mode().IsRegular() {
				if err := root.RemoveAll(name); err != nil {
					return err
				}
			}
			f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if err := root.Chmod(name, mode); err != nil {
				return err
			}
		case tar.TypeSymlink, tar.TypeLink:
			if err := root.RemoveAll(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			if h.Typeflag == tar.TypeSymlink {
				err = root.Symlink(h.Linkname, name)
			} else {
				err = root.Link(filepath.FromSlash(path.Clean(h.Linkname)), name)
			}
			if err != nil {
				return err
			}
		}
	}
}

// workspaceMount is the mount of /workspace in step containers.
func (r *run) workspaceMount() engine.Mount {
	if r.workspace != "" {
		return engine.Mount{Type: "bind", Source: r.workspace, Target: graph.WorkspaceDir}
	}
	return engine.Mount{Type: "volume", Source: r.vol, Target: graph.WorkspaceDir}
}
