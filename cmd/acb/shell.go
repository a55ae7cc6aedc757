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
	var run, shell, dockerContext string
	cmd := &cobra.Command{
		Use:   "shell STEP",
		Short: "Open a shell in the file system of a step a run kept (--keep-on-failure)",
		Long: `shell starts an interactive container from the file system of STEP's
container as a run kept it (acb run --keep-on-failure, or keep: true): the
container is committed to an image and the shell runs with the step's
mounts (the run's /workspace, home and secret volumes), environment,
working directory, user and network, with a terminal when stdin is one.
The image and the shell's container are removed when the shell exits; the
kept objects stay until acb clean. acb exits with the shell's exit code.`,
		Example: `  acb run -f acb.yaml . --keep-on-failure   # step "test" fails
  acb shell test
  acb shell test --run cf1 --shell "/bin/bash -l"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			code, err := openShell(cmd.Context(), c, dockerContext, args[0], run, shell)
			if err != nil {
				return err
			}
			if code != 0 {
				return &codedError{code: code, err: fmt.Errorf("the shell exited with %d", code)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&run, "run", "", "the run id whose kept container to open (default: the newest)")
	cmd.Flags().StringVar(&shell, "shell", "/bin/sh", "the command to start (split on spaces)")
	addContextFlag(cmd.Flags(), &dockerContext)
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
