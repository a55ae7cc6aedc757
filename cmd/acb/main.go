// Command acb runs Azure Container Registry Tasks files on a local Docker
// engine, the way ACR Tasks runs them in the cloud.
package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/runner/output"
)

func main() {
	// A closed stdout or stderr (acb run ... | head) must not kill acb
	// before it removes what the run created: writes then fail with EPIPE.
	signal.Ignore(syscall.SIGPIPE)
	ctx, cancel := context.WithCancelCause(context.Background())
	abort, cancelAbort := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	// Caught until acb exits. The first signal stops the run, which then
	// removes what it created (bounded: an engine that stopped answering
	// cannot hold acb); a second one ends the clean-up at once, and acb
	// lists what is left with the commands that remove it.
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-sigs:
			cancel(newInterrupted(sig))
		case <-ctx.Done():
			return
		}
		select {
		case <-sigs:
			cancelAbort()
		case <-abort.Done():
		}
	}()
	code := run(withAbort(ctx, abort), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	cancel(nil)
	cancelAbort()
	os.Exit(code)
}

// cli is one invocation of acb: its input and its output sink, the only
// writer of stdout and stderr.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	out            *output.Sink
	// record is what acb run knows of its run, for its last line and the
	// result files (record.go); nil for other commands.
	record *runRecord
}

// setFormat replaces the sink with one writing format, keeping its masker
// (acb run --log-format json), before anything is written.
func (c *cli) setFormat(f output.Format) {
	c.setSink(output.Options{Format: f})
}

// setSink replaces the sink with one made from o, keeping its masker:
// JSON lines all go to stdout (stderr only when stdout cannot be
// written); text log lines go to stderr.
func (c *cli) setSink(o output.Options) {
	o.Masker = c.out.Masker()
	o.Log, o.Out = c.stderr, c.stdout
	if o.Format == output.JSON {
		w := &fallbackWriter{w: c.stdout, fallback: c.stderr}
		o.Log, o.Out = w, w
	}
	c.out = output.New(o)
}

// run executes the CLI with the given streams and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	c.out = output.New(output.Options{Log: stderr, Out: stdout})
	if jsonRequested(args) {
		c.setFormat(output.JSON) // a refused command line is a JSON line too
	}
	if isRunCommand(args) {
		c.record = newRunRecord()
	}
	root := newRootCommand(c)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(c.out.Result())                   // help and usage
	root.SetErr(c.out.LogWriter(output.EventLog)) // cobra's own messages
	ranCommands(root)
	err := root.ExecuteContext(ctx)
	var ran *ranError
	switch {
	case err == nil:
	case errors.As(err, &ran):
		err = ran.err
	default: // cobra refused the command line before any command ran
		err = &usageError{err}
	}
	code := exitOK
	if err != nil {
		if msg := errorMessage(err); msg != "" {
			c.out.Event(output.Error, output.EventError).Bare().Msg(msg)
		}
		code = exitCode(ctx, err)
	}
	if c.record != nil {
		code = c.finishRun(code, err)
	}
	return code
}

// ranError is an error a command's RunE returned, as opposed to one of
// cobra's own (unknown command or flag, bad flag value, argument count),
// which are usage errors.
type ranError struct{ err error }

func (e *ranError) Error() string { return e.err.Error() }

// ranCommands marks the errors of every command's RunE as ranError.
func ranCommands(c *cobra.Command) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if err := run(cmd, args); err != nil {
				return &ranError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		ranCommands(sub)
	}
}
