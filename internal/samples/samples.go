// Package samples locates the shared ACR task sample corpus
// (../shared/acr-samples beside the project) and reads its INDEX.md, so
// conformance tests can walk it. A fresh clone has no such folder; tests then
// skip that part with a clear message.
package samples

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Entry is one row of INDEX.md's file table.
type Entry struct {
	Path      string // relative to the corpus root
	Exercises string // what the file exercises
	Valid     string // "yes", "NO" or "n/a"
}

// Dir returns the corpus directory, searching upwards from the working
// directory for shared/acr-samples beside the project, or "" when absent.
func Dir() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		for _, c := range []string{filepath.Join(d, "..", "shared", "acr-samples"), filepath.Join(d, "shared", "acr-samples")} {
			if fi, err := os.Stat(filepath.Join(c, "INDEX.md")); err == nil && !fi.IsDir() {
				return filepath.Clean(c)
			}
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

var row = regexp.MustCompile("^\\| `([^`]+)` \\|(.*)\\|([^|]*)\\|\\s*$")

// Index parses INDEX.md's table of files.
func Index(dir string) ([]Entry, error) {
	f, err := os.Open(filepath.Join(dir, "INDEX.md"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		m := row.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		valid := strings.TrimSpace(m[3])
		switch {
		case strings.HasPrefix(valid, "yes"):
			valid = "yes"
		case strings.Contains(valid, "NO"):
			valid = "NO"
		case strings.HasPrefix(valid, "n/a"):
			valid = "n/a"
		default:
			continue // provenance and other tables
		}
		out = append(out, Entry{Path: m[1], Exercises: m[2], Valid: valid})
	}
	return out, sc.Err()
}
