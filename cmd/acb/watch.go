package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/acb-dev/acb/runner/output"
	"github.com/acb-dev/acb/runner/watch"
)

// watchDebounce is the quiet time after a change before acb reacts: an
// editor's save (write, rename, chmod) is one change.
const watchDebounce = 100 * time.Millisecond

// watchRuns is acb run --watch: it runs the task, then runs it again after
// every change of the task file, a values, env or secret file, or a file of
// a local context directory (what its .dockerignore excludes, .git and the
// --workspace directory are not watched). A change during a run cancels it
// (the run removes what it created, as on Ctrl-C) before the next starts.
// Each trigger is one line. It returns when ctx ends (Ctrl-C), with the
// last run's error.
func watchRuns(ctx context.Context, c *cli, lf *loadFlags, rf *runFlags, contextArg string, runOnce func(context.Context) error) error {
	opts := watch.Options{Debounce: watchDebounce}
	if rf.workspace != "" {
		opts.Skip = append(opts.Skip, rf.workspace) // the steps write it
	}
	if fi, err := os.Stat(contextArg); err == nil && fi.IsDir() {
		opts.Tree = contextArg
		if lf.file != "-" && !filepath.IsAbs(lf.file) {
			opts.Files = append(opts.Files, filepath.Join(contextArg, lf.file)) // even when .dockerignore'd
		}
	}
	if lf.file != "-" && filepath.IsAbs(lf.file) {
		opts.Files = append(opts.Files, lf.file)
	}
	opts.Files = append(opts.Files, lf.values...)
	opts.Files = append(opts.Files, lf.envFiles...)
	opts.Files = append(opts.Files, lf.secretFiles...)
	w, err := watch.New(ctx, opts)
	if err != nil {
		return asInput(fmt.Errorf("--watch: %w", err))
	}
	note := func(format string, a ...any) {
		c.out.Event(output.Info, output.EventWatch).Msg(fmt.Sprintf(format, a...))
	}
	for {
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- runOnce(runCtx) }()
		var err error
		changed := ""
		select {
		case changed = <-w.C:
			cancel()
			err = <-done
		case err = <-done:
		}
		cancel()
		c.reportWatchedRun(ctx, err)
		if changed != "" {
			note("Change detected in %s: the run was stopped; running again", displayPath(changed))
			continue
		}
		if ctx.Err() != nil {
			return err
		}
		note("Watching for changes (Ctrl-C to stop)")
		select {
		case changed = <-w.C:
			note("Change detected in %s: running again", displayPath(changed))
		case <-ctx.Done():
			return err
		}
	}
}

// reportWatchedRun prints a run's error and its final summary as acb
// would when exiting, then starts a fresh record for the next run.
func (c *cli) reportWatchedRun(ctx context.Context, err error) {
	code := exitOK
	if err != nil {
		if msg := errorMessage(err); msg != "" {
			c.out.Event(output.Error, output.EventError).Bare().Msg(msg)
		}
		code = exitCode(ctx, err)
	}
	if c.record != nil {
		c.finishRun(code, err)
		c.record = newRunRecord()
	}
}

// displayPath shows a path relative to the current directory when it is
// below it.
func displayPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !filepath.IsAbs(rel) && len(rel) > 0 && rel[0] != '.' {
			return rel
		}
	}
	return p
}
