package source

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/acb-dev/acb/internal/inputfile"
)

// TaskFile reads a task file the way az acr run resolves -f: relative to the
// source context when there is one (a directory, a git checkout or an
// archive), else relative to the working directory. It returns the path used
// in messages and the content.
func (s *Source) TaskFile(name string) (string, []byte, error) {
	if s == nil || filepath.IsAbs(name) || !s.HasContent() {
		b, err := inputfile.Read(name, inputfile.MaxSize)
		if err != nil {
			return name, nil, fmt.Errorf("read task file: %w", err)
		}
		return name, b, nil
	}
	if s.Dir != "" {
		p := filepath.Join(s.Dir, s.SubDir, name)
		b, err := inputfile.Read(p, inputfile.MaxSize)
		if err != nil {
			return p, nil, fmt.Errorf("read task file %s in the source context: %w", name, err)
		}
		return p, b, nil
	}
	b, err := readFromArchive(s.Archive, path.Join(s.SubDir, filepath.ToSlash(name)))
	if err != nil {
		return name, nil, fmt.Errorf("read task file %s from the context archive %s: %w", name, s.Archive, err)
	}
	return name, b, nil
}

// readFromArchive returns the content of one regular file of a tar or
// tar.gz archive.
func readFromArchive(archive, name string) ([]byte, error) {
	rc, err := openArchive(archive)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	want := path.Clean(strings.TrimPrefix(name, "./"))
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fs.ErrNotExist
		}
		if err != nil {
			return nil, err
		}
		if path.Clean(strings.TrimPrefix(h.Name, "./")) == want && h.Typeflag == tar.TypeReg {
			return io.ReadAll(io.LimitReader(tr, 16<<20))
		}
	}
}
