package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/runner"
	"github.com/acb-dev/acb/runner/output"
)

func newShellCommand(c *cli) *cobra.Command {
	// acb shell has acb run's flags: without a kept container it runs the
	// task up to STEP and opens the shell in STEP's place.
	cmd := newRunCommand(c)
	runTask := cmd.RunE
	var run, shell, fresh = "", "", false
	cmd.Use = "shell STEP [CONTEXT]"
	cmd.Short = "Open a shell in a step: in a kept container's file system, or in place of the step's command"
	cmd.Long = `shell opens an interactive shell in STEP.

After a run kept STEP's container (acb run --keep-on-failure, or keep: true),
it starts a container from that container's file system (committed to an
image) with the step's mounts (the run's /workspace, home and secret
volumes), environment, working directory, user and network; the image and
the shell's container are removed when the shell exits, the kept objects
stay until acb clean. --run picks the run (default: the newest).

Without a kept container (or with --fresh) it runs the task as acb run
--target STEP does, with acb run's flags, CONTEXT and -f, and starts the
shell in STEP's place: the step's image, mounts, environment, working
directory, user and network, after the steps it needs. The step's timeout
applies.

The shell gets a terminal when stdin is one, acb's stdin otherwise. acb
exits with the shell's exit code on a kept container, as acb run does on
the fresh path (1 when the shell exits non-zero).`
	cmd.Example = `  acb run -f acb.yaml . --keep-on-failure   # step "test" fails
  acb shell test
  acb shell test --run cf1 --shell "/bin/bash -l"
  acb shell test -f acb.yaml . --fresh       # the steps test needs, then a shell as test`
	cmd.Args = cobra.RangeArgs(1, 2)
	f := cmd.Flags()
	f.StringVar(&run, "run", "", "the run id whose kept container to open (default: the newest)")
	f.StringVar(&shell, "shell", "/bin/sh", "the command to start (split on spaces)")
	f.BoolVar(&fresh, "fresh", false, "run the task up to STEP and open the shell in its place, even when a kept container exists")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		step := args[0]
		if !fresh {
			dockerContext, _ := cmd.Flags().GetString("context")
			code, err := openShell(cmd.Context(), c, dockerContext, step, run, shell)
			switch {
			case err == nil && code != 0:
				return &codedError{code: code, err: fmt.Errorf("the shell exited with %d", code)}
			case err == nil:
				return nil
			case !errors.Is(err, runner.ErrNoKept) || run != "":
				return err
			}
			c.out.Event(output.Info, output.EventLog).Msg("No kept container of step " + step + ": running the task up to it, with a shell in its place")
		}
		for name, value := range map[string]string{"target": step, "shell-step": step, "shell-command": shell} {
			if err := cmd.Flags().Set(name, value); err != nil {
				return asInput(err)
			}
		}
		return runTask(cmd, args[1:])
	}
	return cmd
}

// openShell runs acb shell with the CLI's own streams (the shell's
// terminal is not acb's output: nothing in it is masked or reformatted)
// and returns the shell's exit code.
func openShell(ctx context.Context, c *cli, dockerContext, step, run, shell string) (int, error) {
	eng, _, err := openEngine(ctx, dockerContext)
	if err != nil {
		return -1, err
	}
	defer eng.Close()
	opts := runner.ShellOptions{
		Step: step, Run: run, Shell: strings.Fields(shell),
		Stdin: c.stdin, Stdout: c.stdout, Stderr: c.stderr,
		Notice: func(s string) { c.out.Event(output.Info, output.EventLog).Msg(s) },
	}
	if tty := terminalOf(c.stdin); tty != nil {
		sizes, restore, err := rawTerminal(tty)
		if err != nil {
			return -1, asInfra(fmt.Errorf("terminal: %w", err))
		}
		defer restore()
		opts.TTY, opts.Resize = true, sizes
		// In raw mode the terminal no longer turns "\n" into "\r\n":
		// acb's own lines get the carriage return themselves.
		opts.Notice = func(s string) { _, _ = io.WriteString(c.stderr, s+"\r\n") }
	}
	return runner.Shell(ctx, eng, opts)
}

// shellAfterFailure opens acb shell in the failed step of a kept run
// (--shell-on-failure), then removes what the run kept unless
// --keep-on-failure asked to keep it.
func shellAfterFailure(ctx context.Context, c *cli, rf *runFlags, res *runner.Result, runErr error) {
	var se *runner.StepError
	if !errors.As(runErr, &se) || ctx.Err() != nil {
		return
	}
	if _, err := openShell(ctx, c, rf.dockerContext, se.StepID, res.RunID, "/bin/sh"); err != nil {
		c.out.Event(output.Error, output.EventError).Msg("acb shell: " + err.Error())
	}
	if rf.keepOnFailure {
		return
	}
	eng, _, err := openEngine(ctx, rf.dockerContext)
	if err != nil {
		c.out.Event(output.Error, output.EventError).Msg("acb clean: " + err.Error())
		return
	}
	defer eng.Close()
	done, err := runner.Clean(context.WithoutCancel(ctx), eng, runner.CleanOptions{Run: res.RunID, OwnRunOver: true})
	if err != nil {
		c.out.Event(output.Error, output.EventError).Msg("acb clean: " + err.Error())
	}
	for _, d := range done {
		if d.Err != nil {
			c.out.Event(output.Error, output.EventCleanup).Msg(d.String(false))
		}
	}
}
