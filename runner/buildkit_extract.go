package runner

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/moby/patternmatcher"
)

// extractContext unpacks a CopyFromVolume tar of a build context into dir:
// the root directory stripped, what .dockerignore excludes left out, file
// modes and modification times kept (BuildKit's file sync compares them to
// decide what to send again). Paths stay inside dir (os.Root).
func extractContext(src io.Reader, dir string, ignore *patternmatcher.PatternMatcher) error {
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(filterContext(src, pw, true, ignore, map[string]bool{".dockerignore": true}, nil))
	}()
	defer pr.Close()
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(pr)
	type dirTime struct {
		name string
		hdr  *tar.Header
	}
	var dirs []dirTime // times set last: writing files inside changes them
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		name := path.Clean(strings.TrimSuffix(hdr.Name, "/"))
		if name == "." || name == ".." || strings.HasPrefix(name, "../") || path.IsAbs(name) {
			continue
		}
		if d := path.Dir(name); d != "." {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
		mode := os.FileMode(hdr.Mode) & os.ModePerm
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(name, 0o755); err != nil {
				return err
			}
			_ = root.Chmod(name, mode|0o700)
			dirs = append(dirs, dirTime{name, hdr})
		case tar.TypeReg:
			f, err := root.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode|0o600)
			if err != nil {
				return err
			}
			_, cerr := io.Copy(f, tr)
			if err := f.Close(); cerr == nil {
				cerr = err
			}
			if cerr != nil {
				return cerr
			}
			_ = root.Chmod(name, mode)
			_ = root.Chtimes(name, hdr.AccessTime, hdr.ModTime)
		case tar.TypeSymlink:
			if err := root.Symlink(hdr.Linkname, name); err != nil {
				return fmt.Errorf("symlink %s: %w", name, err)
			}
		case tar.TypeLink:
			if err := root.Link(path.Clean(hdr.Linkname), name); err != nil {
				return fmt.Errorf("link %s: %w", name, err)
			}
		}
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = root.Chtimes(dirs[i].name, dirs[i].hdr.AccessTime, dirs[i].hdr.ModTime)
	}
	return nil
}
