package runner

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/source"
)

// readsHostWorkspace reports whether build steps read the workspace from the
// source directory on the host instead of the run volume. That is the case
// when the source is a local directory (or a git checkout) and the task has
// no cmd steps (among the steps that run): build and push steps never write to /workspace, so the
// volume's content is the source's, and reading the host directory saves
// the build context a trip into the engine and back out (twice the context
// size through the Engine API). The volume itself is still created and
// mounted, as ACR logs it, but left empty.
func readsHostWorkspace(steps []*graph.Step, src *source.Source) bool {
	if src == nil || src.Dir == "" {
		return false
	}
	for _, s := range steps {
		if s.Type == graph.CmdStep {
			return false
		}
	}
	return true
}

// hostFile reads a regular file of the workspace from the source directory.
// Paths resolve inside the source only (os.Root): a symlink cannot reach
// outside it, as in the run volume.
func (r *run) hostFile(p string, limit int64) ([]byte, error) {
	root, err := os.OpenRoot(r.hostDir())
	if err != nil {
		return nil, fmt.Errorf("open source %s: %w", r.hostDir(), err)
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(p))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", p, engine.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", p, engine.ErrNotFound)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", p, limit)
	}
	return io.ReadAll(io.LimitReader(f, limit))
}

// hostContext streams a tar of a directory of the workspace from the
// source directory, entries named relative to it.
func (r *run) hostContext(p string) (io.ReadCloser, error) {
	root, err := os.OpenRoot(r.hostDir())
	if err != nil {
		return nil, fmt.Errorf("open source %s: %w", r.hostDir(), err)
	}
	fi, err := root.Stat(filepath.FromSlash(p))
	root.Close()
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.IsDir()) {
		return nil, fmt.Errorf("%s: %w", p, engine.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(r.hostDir(), filepath.FromSlash(p))
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(source.TarDir(dir, pw)) }() // ends when the walk ends or the reader closes
	return pr, nil
}
