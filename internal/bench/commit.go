package bench

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// Source is the state of the source tree a bench run measured.
type Source struct {
	Commit string // full hash of HEAD; empty when unknown
	Dirty  bool   // uncommitted changes (tracked or untracked, ignored files aside)
}

// commitLinePrefix starts the line of BENCHMARKS.md naming the commit
// measured; TestBenchmarksAreCurrent reads it back (RecordedSource).
const commitLinePrefix = "Commit measured: `"

// DescribeSource reads HEAD and whether the work tree differs from it.
func DescribeSource(ctx context.Context, root string) (Source, error) {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		return Source{}, fmt.Errorf("git rev-parse HEAD: %w", err)
	}
	src := Source{Commit: strings.TrimSpace(string(out))}
	st, err := exec.CommandContext(ctx, "git", "-C", root, "status", "--porcelain").Output()
	if err != nil {
		return src, fmt.Errorf("git status: %w", err)
	}
	src.Dirty = len(strings.TrimSpace(string(st))) > 0
	return src, nil
}

// line is the report's line for the source measured.
func (s Source) line() string {
	if s.Commit == "" {
		return "Commit measured: unknown (not a git work tree); `TestBenchmarksAreCurrent` fails until `make bench` runs in one."
	}
	if s.Dirty {
		return commitLinePrefix + s.Commit + "`, **dirty tree**: uncommitted changes were measured, so these numbers describe no commit (`TestBenchmarksAreCurrent` fails until `make bench` runs on a clean tree)."
	}
	return commitLinePrefix + s.Commit + "`, clean tree."
}

// RecordedSource reads the commit and tree state a BENCHMARKS.md names.
func RecordedSource(report string) (Source, error) {
	for _, l := range strings.Split(report, "\n") {
		rest, ok := strings.CutPrefix(l, commitLinePrefix)
		if !ok {
			continue
		}
		commit, state, ok := strings.Cut(rest, "`")
		if !ok || len(commit) != 40 || strings.Trim(commit, "0123456789abcdef") != "" {
			return Source{}, fmt.Errorf("malformed commit line %q", l)
		}
		return Source{Commit: commit, Dirty: !strings.HasPrefix(state, ", clean tree")}, nil
	}
	return Source{}, fmt.Errorf("no %q line: the report predates commit recording", strings.TrimSuffix(commitLinePrefix, "`"))
}
