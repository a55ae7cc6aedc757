// Package watch reports changes to files and directory trees (acb run
// --watch): the task file, values and env files, and the source context
// minus what its .dockerignore excludes. Changes are debounced, so an
// editor's save (write to a temporary file, rename) is one change.
package watch

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// Options says what to watch.
type Options struct {
	// Files are watched one by one (through their directory, so a file
	// replaced by a rename is still seen).
	Files []string
	// Tree is a directory watched recursively, new directories included;
	// "" for none. Paths its .dockerignore excludes, .git and the Skip
	// directories are not watched.
	Tree string
	// Skip are directories never watched (a --workspace the steps write).
	Skip []string
	// Debounce is the quiet time after a change before it is reported.
	Debounce time.Duration
}

// Watcher reports changes on C: the path of the first change of each
// debounced burst.
type Watcher struct {
	C     <-chan string
	w     *fsnotify.Watcher
	opts  Options
	files map[string]bool // watched files, absolute
	dirs  map[string]bool // directories of watched files, absolute
	tree  string          // absolute
	skip  []string
	ign   *patternmatcher.PatternMatcher
	out   chan string
}

// New starts watching. Stop it by cancelling ctx.
func New(ctx context.Context, opts Options) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	out := make(chan string, 1)
	w := &Watcher{C: out, w: fw, opts: opts, files: map[string]bool{}, dirs: map[string]bool{}, out: out}
	if err := w.init(); err != nil {
		fw.Close()
		return nil, err
	}
	go w.loop(ctx)
	return w, nil
}

func (w *Watcher) init() error {
	for _, f := range w.opts.Files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return err
		}
		w.files[abs] = true
		dir := filepath.Dir(abs)
		if !w.dirs[dir] {
			if err := w.w.Add(dir); err != nil {
				return err
			}
			w.dirs[dir] = true
		}
	}
	for _, s := range w.opts.Skip {
		if abs, err := filepath.Abs(s); err == nil && s != "" {
			w.skip = append(w.skip, abs)
		}
	}
	if w.opts.Tree == "" {
		return nil
	}
	abs, err := filepath.Abs(w.opts.Tree)
	if err != nil {
		return err
	}
	w.tree = abs
	if err := w.readIgnore(); err != nil {
		return err
	}
	return w.addTree(abs)
}

// readIgnore reads the tree's .dockerignore (none is fine).
func (w *Watcher) readIgnore() error {
	f, err := os.Open(filepath.Join(w.tree, ".dockerignore"))
	if errors.Is(err, fs.ErrNotExist) {
		w.ign = nil
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return err
	}
	if len(patterns) == 0 {
		w.ign = nil
		return nil
	}
	w.ign, err = patternmatcher.New(patterns)
	return err
}

// ignored reports whether an absolute path in the tree is not watched.
func (w *Watcher) ignored(p string) bool {
	for _, s := range w.skip {
		if p == s || strings.HasPrefix(p, s+string(filepath.Separator)) {
			return true
		}
	}
	rel, err := filepath.Rel(w.tree, p)
	if err != nil || rel == "." {
		return false
	}
	rel = filepath.ToSlash(rel)
	if rel == ".git" || strings.HasPrefix(rel, ".git/") || strings.HasPrefix(rel, "../") {
		return true
	}
	if rel == ".dockerignore" || w.ign == nil {
		return false
	}
	m, err := w.ign.MatchesOrParentMatches(rel)
	return err == nil && m
}

// addTree watches dir and its sub-directories that are not ignored.
func (w *Watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // vanished meanwhile
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && w.ignored(p) {
			return filepath.SkipDir
		}
		if err := w.w.Add(p); err != nil && p == dir {
			return err
		}
		return nil
	})
}

// relevant reports whether an event is a change acb reacts to.
func (w *Watcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	if w.files[ev.Name] {
		return true
	}
	if w.tree == "" || !(ev.Name == w.tree || strings.HasPrefix(ev.Name, w.tree+string(filepath.Separator))) {
		return false
	}
	return !w.ignored(ev.Name)
}

func (w *Watcher) loop(ctx context.Context) {
	defer w.w.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	first := ""
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.w.Events:
			if !ok {
				return
			}
			if !w.relevant(ev) {
				continue
			}
			if ev.Op&fsnotify.Create != 0 && w.tree != "" {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					_ = w.addTree(ev.Name)
				}
			}
			if w.tree != "" && ev.Name == filepath.Join(w.tree, ".dockerignore") {
				_ = w.readIgnore()
			}
			if first == "" {
				first = ev.Name
			}
			timer.Reset(w.opts.Debounce)
		case <-w.w.Errors:
		case <-timer.C:
			select {
			case w.out <- first:
			default: // a change is already waiting to be taken
			}
			first = ""
		}
	}
}
