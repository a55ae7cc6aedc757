package runner

import (
	"context"
	"io"

	"github.com/acb-dev/acb/runner/engine"
)

// Terminal is acb's own terminal, lent to interactive cmd steps (docker
// run -i / -it in the cmd). Without one (Options.Terminal nil: stdin is a
// pipe, a file or closed) an interactive step's standard input is empty,
// so a program reading it sees end-of-file at once instead of hanging.
type Terminal interface {
	// Attach lends the terminal to one step until the session's Detach:
	// in raw mode when tty (every key, Ctrl-C included, goes to the
	// step's own terminal), its input, its output and, with tty, its
	// sizes.
	Attach(tty bool) (*TerminalSession, error)
}

// TerminalSession is a terminal lent to one step.
type TerminalSession struct {
	In     io.Reader
	Out    io.Writer
	Resize <-chan engine.TermSize
	Detach func()
}

// interactive reports whether a cmd step's container gets acb's terminal:
// it asked for stdin (-i) and acb has a terminal and an engine that can
// attach one.
func (r *run) interactive(openStdin bool) bool {
	if !openStdin || r.opts.Terminal == nil {
		return false
	}
	_, ok := r.eng.(engine.Debugger)
	return ok
}

// runInteractive runs an interactive step's container on acb's terminal,
// one step at a time. The step's output goes straight to the terminal,
// masked but neither line-buffered nor prefixed, so prompts show.
func (r *run) runInteractive(ctx context.Context, spec engine.ContainerSpec, streams engine.Streams) (int, error) {
	r.termMu.Lock()
	defer r.termMu.Unlock()
	if r.opts.Terminal == nil { // the shell step (ShellStep) without a terminal: acb's stdin
		return r.eng.(engine.Debugger).RunInteractive(ctx, spec, engine.Interactive{Stdin: r.opts.Stdin, Stdout: streams.Stdout, Stderr: streams.Stderr})
	}
	sess, err := r.opts.Terminal.Attach(spec.TTY)
	if err != nil {
		// No terminal after all: the step's input is empty.
		spec.OpenStdin = false
		return r.eng.RunContainer(ctx, spec, streams)
	}
	defer sess.Detach()
	out := r.c.masker.Writer(sess.Out)
	defer out.Close()
	return r.eng.(engine.Debugger).RunInteractive(ctx, spec, engine.Interactive{Stdin: sess.In, Stdout: out, Stderr: out, Resize: sess.Resize})
}

// shellSpec turns the ShellStep's container into an interactive shell:
// the step's image, mounts, environment, working directory, user and
// network, with opts.Shell (default /bin/sh) instead of its command, a
// TTY when acb has a terminal, and acb's input.
func (r *run) shellSpec(spec *engine.ContainerSpec) {
	shell := r.opts.Shell
	if len(shell) == 0 {
		shell = []string{"/bin/sh"}
	}
	spec.Entrypoint = shell[:1]
	spec.Cmd = append([]string{}, shell[1:]...)
	_, ok := r.eng.(engine.Debugger)
	spec.OpenStdin = ok
	spec.TTY = ok && r.opts.Terminal != nil
}
