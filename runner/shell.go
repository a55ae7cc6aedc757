package runner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/fault"
	"github.com/google/uuid"
)

// ErrNoKept is in the chain of Shell's error when the step has no kept
// container (an input error).
var ErrNoKept = errors.New("no kept container")

// ShellOptions configures Shell.
type ShellOptions struct {
	// Step is the id of the step whose kept container to open.
	Step string
	// Run limits the search to one run id; empty takes the newest kept
	// container of the step.
	Run string
	// Shell is the command started in the container; default /bin/sh.
	Shell []string
	// Stdin, Stdout and Stderr are the shell's streams; TTY gives it a
	// terminal (Stdout then receives everything) and Resize its sizes.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	TTY            bool
	Resize         <-chan engine.TermSize
	// Notice receives acb's own lines (which container, clean-up); nil
	// discards them.
	Notice func(string)
}

// Shell starts an interactive container from the file system of a step's
// kept container (--keep-on-failure): the container is committed to an
// image and a new container runs opts.Shell in it with the step's mounts,
// environment, working directory, user and network. The image and the new
// container are removed when the shell ends; the kept objects stay (acb
// clean removes them). It returns the shell's exit code.
func Shell(ctx context.Context, eng engine.Engine, opts ShellOptions) (int, error) {
	dbg, ok1 := eng.(engine.Debugger)
	sw, ok2 := eng.(engine.Sweeper)
	if !ok1 || !ok2 {
		return -1, inputErr("this engine cannot open a shell in a step")
	}
	notice := opts.Notice
	if notice == nil {
		notice = func(string) {}
	}
	kept, err := keptContainer(ctx, sw, opts.Step, opts.Run)
	if err != nil {
		return -1, err
	}
	info, err := dbg.InspectContainer(ctx, kept.Name)
	if err != nil {
		return -1, engineErr("inspecting "+kept.Name, err)
	}
	run := kept.Labels[engine.LabelRun]
	labels := map[string]string{engine.LabelRun: run, engine.LabelOwner: invocationOwner(uuid.NewString())}
	img, err := dbg.CommitContainer(ctx, kept.Name, map[string]string{engine.LabelRun: run, engine.LabelOwner: labels[engine.LabelOwner], engine.LabelShellImage: "true"})
	if err != nil {
		return -1, engineErr("committing "+kept.Name, err)
	}
	cleanupCtx := context.WithoutCancel(ctx)
	defer func() {
		if err := sw.RemoveObject(cleanupCtx, engine.Object{Kind: "image", Name: img}); err != nil {
			notice(fmt.Sprintf("Failed to remove image %s: %v", img, err))
		}
	}()
	network := info.Network
	if userNetwork(network) {
		if exists, err := eng.NetworkExists(ctx, network); err == nil && !exists {
			notice(fmt.Sprintf("The step's network %s is gone; the shell runs on the default bridge", network))
			network = ""
		}
	}
	shell := opts.Shell
	if len(shell) == 0 {
		shell = []string{"/bin/sh"}
	}
	name := kept.Name + "-shell-" + randomHex(3)
	spec := engine.ContainerSpec{
		Name:       name,
		Image:      img,
		Entrypoint: shell[:1],
		Cmd:        shell[1:],
		Env:        info.Env,
		WorkingDir: info.WorkingDir,
		User:       info.User,
		Network:    network,
		Mounts:     info.Mounts,
		Labels:     labels,
		TTY:        opts.TTY,
		OpenStdin:  true,
	}
	if spec.Cmd == nil {
		spec.Cmd = []string{} // not the committed image's command
	}
	notice(fmt.Sprintf("Opening %s in a copy of %s (step %s, run %s); exit the shell to leave", shell[0], kept.Name, opts.Step, run))
	code, err := dbg.RunInteractive(ctx, spec, engine.Interactive{Stdin: opts.Stdin, Stdout: opts.Stdout, Stderr: opts.Stderr, Resize: opts.Resize})
	if rerr := eng.RemoveContainer(cleanupCtx, name); rerr != nil && !errors.Is(rerr, engine.ErrNotFound) {
		notice(fmt.Sprintf("Failed to remove container %s: %v", name, rerr))
	}
	if err != nil {
		return code, engineErr("running the shell", err)
	}
	return code, nil
}

// keptContainer finds the newest stopped container of step (in run, if
// set) that a run left behind.
func keptContainer(ctx context.Context, sw engine.Sweeper, step, run string) (engine.Object, error) {
	objs, err := sw.ListRunObjects(ctx, run)
	if err != nil {
		return engine.Object{}, engineErr("listing kept containers", err)
	}
	var best engine.Object
	found := false
	for _, o := range objs {
		if o.Kind != "container" || o.Running || o.Labels[engine.LabelStep] != step {
			continue
		}
		if !found || o.Created > best.Created {
			best, found = o, true
		}
	}
	if !found {
		where := ""
		if run != "" {
			where = " of run " + run
		}
		return best, fault.AsInput(fmt.Errorf("%w of step %q%s; run the task with --keep-on-failure (or give the step keep: true), or use --fresh", ErrNoKept, step, where))
	}
	return best, nil
}

// userNetwork reports whether name is a network a run may have created.
func userNetwork(name string) bool {
	switch name {
	case "", "default", "bridge", "host", "none":
		return false
	}
	return len(name) < 10 || name[:10] != "container:"
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
