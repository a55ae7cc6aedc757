package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/runner/engine"
)

// outputDrainTimeout bounds how long RunContainer waits for the attached
// output stream to finish after the container stopped because its context
// was cancelled.
const outputDrainTimeout = 5 * time.Second

// RunContainer creates the container, attaches to its output, registers a
// wait for its next exit, starts it and returns its exit code once the
// process exited and all output was written to out. That is four API round
// trips (three when out has no writer: the attach is skipped), with no
// polling and no inspect.
//
// When ctx is cancelled the container is stopped (SIGTERM, then SIGKILL after
// StopGrace; SIGKILL at once when the cancellation's cause is
// engine.ErrStopNow) on a context detached from ctx, and the returned error wraps
// ctx.Err(). The container is not removed unless spec.AutoRemove is set.
func (e *Engine) RunContainer(ctx context.Context, spec engine.ContainerSpec, out engine.Streams) (int, error) {
	id, err := e.CreateContainer(ctx, spec)
	if err != nil {
		return -1, err // a container made despite a cancellation is removed by name
	}
	return e.RunCreated(ctx, id, spec, out)
}

// CreateContainer creates the container without starting it and returns
// its id (engine.ContainerPreparer): RunCreated runs it later.
//
// The create is not abandoned when ctx is cancelled: an abandoned create
// still completes on the engine, after the caller looked for what to
// remove (seen under load as containers and, through them, volumes left
// behind by an interrupted run). A create takes milliseconds; the caller
// gets the id and a ctx error, and removes the container.
func (e *Engine) CreateContainer(ctx context.Context, spec engine.ContainerSpec) (string, error) {
	opts, err := createOptions(spec)
	if err != nil {
		return "", err
	}
	cctx, cancel := engine.Detached(ctx, cleanupTimeout)
	defer cancel()
	created, err := e.cli.ContainerCreate(cctx, opts)
	if err != nil {
		return "", fmt.Errorf("create container %s: %w", containerLabel(spec), mapErr(err))
	}
	if err := ctx.Err(); err != nil {
		return created.ID, fmt.Errorf("create container %s: %w", containerLabel(spec), err)
	}
	return created.ID, nil
}

// RunCreated is RunContainer for a container CreateContainer made from
// spec: attach, wait, start, and the exit code once the output is written.
func (e *Engine) RunCreated(ctx context.Context, id string, spec engine.ContainerSpec, out engine.Streams) (int, error) {
	label := containerLabel(spec)
	var err error
	var (
		streamDone chan error
		attached   client.ContainerAttachResult
	)
	if out.Stdout != nil || out.Stderr != nil {
		attached, err = e.cli.ContainerAttach(ctx, id, client.ContainerAttachOptions{
			Stream: true, Stdout: true, Stderr: true,
		})
		if err != nil {
			return -1, e.interrupted(ctx, id, fmt.Errorf("attach to container %s: %w", label, mapErr(err)))
		}
		defer attached.Close()
		streamDone = make(chan error, 1)
		go func() { streamDone <- copyOutput(attached.Reader, out, spec.TTY) }()
	}

	// The wait is registered before the start so a fast exit cannot be
	// missed. It runs on a context detached from ctx so the exit of a
	// container stopped after cancellation is still collected.
	waitCtx, cancelWait := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWait()
	wait := e.waitExit(waitCtx, id, spec.AutoRemove)

	if _, err := e.cli.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return -1, e.interrupted(ctx, id, fmt.Errorf("start container %s: %w", label, mapErr(err)))
	}

	select {
	case res := <-wait.Result:
		if streamDone != nil {
			if err := <-streamDone; err != nil && ctx.Err() == nil {
				return int(res.StatusCode), fmt.Errorf("container %s output: %w", label, err)
			}
		}
		return exitResult(res, label)
	case err := <-wait.Error:
		return -1, e.interrupted(ctx, id, fmt.Errorf("wait for container %s: %w", label, mapErr(err)))
	case <-ctx.Done():
	}

	e.stop(ctx, id)
	code := -1
	// An engine that stopped answering must not hold the run: the exit is
	// awaited a bounded time, and not at all once the user aborts.
	exitCtx, cancelExit := engine.Detached(ctx, e.StopGrace+5*time.Second)
	defer cancelExit()
	select {
	case res := <-wait.Result:
		code = int(res.StatusCode)
	case <-wait.Error:
	case <-exitCtx.Done():
	}
	if streamDone != nil {
		// Bounded, and not at all once the user aborts (a frozen engine
		// never ends the stream).
		drainCtx, cancelDrain := engine.Detached(ctx, outputDrainTimeout)
		defer cancelDrain()
		select {
		case <-streamDone:
		case <-drainCtx.Done():
			attached.Close()
		}
	}
	return code, fmt.Errorf("container %s stopped: %w", label, ctx.Err())
}

// waitExit waits for the container's next exit or, with autoRemove, its
// removal (so the name is free again when the wait returns).
func (e *Engine) waitExit(ctx context.Context, id string, autoRemove bool) client.ContainerWaitResult {
	cond := container.WaitConditionNextExit
	if autoRemove {
		cond = container.WaitConditionRemoved
	}
	return e.cli.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: cond})
}

// exitResult is the exit code of a container's wait response, with the
// error the engine reported in it.
func exitResult(res container.WaitResponse, label string) (int, error) {
	if res.Error != nil && res.Error.Message != "" {
		return int(res.StatusCode), fmt.Errorf("wait for container %s: %s", label, res.Error.Message)
	}
	return int(res.StatusCode), nil
}

// StartContainer creates and starts a container without waiting for it and
// returns its id. If the start fails the created container's id is returned
// with the error, so the caller can remove it.
func (e *Engine) StartContainer(ctx context.Context, spec engine.ContainerSpec) (string, error) {
	id, err := e.CreateContainer(ctx, spec)
	if err != nil {
		return id, err
	}
	if _, err := e.cli.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return id, e.interrupted(ctx, id, fmt.Errorf("start container %s: %w", containerLabel(spec), mapErr(err)))
	}
	return id, nil
}

// RemoveContainer force-removes a container by name or id, with its
// anonymous volumes. A removal already in progress (auto-remove) counts as
// success; a missing container returns an error wrapping engine.ErrNotFound.
func (e *Engine) RemoveContainer(ctx context.Context, nameOrID string) error {
	_, err := e.cli.ContainerRemove(ctx, nameOrID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err == nil {
		return nil
	}
	if cerrdefs.IsConflict(err) && strings.Contains(err.Error(), "already in progress") {
		return nil
	}
	return fmt.Errorf("remove container %s: %w", nameOrID, mapErr(err))
}

// ContainerExists reports whether a container with that exact name exists.
func (e *Engine) ContainerExists(ctx context.Context, name string) (bool, error) {
	res, err := e.cli.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("inspect container %s: %w", name, err)
	}
	// Inspect also resolves id prefixes; only an exact name or id counts.
	return strings.TrimPrefix(res.Container.Name, "/") == name || res.Container.ID == name, nil
}

// interrupted stops the container when ctx was cancelled during a call and
// returns err wrapping ctx.Err() in that case; otherwise it returns err.
func (e *Engine) interrupted(ctx context.Context, id string, err error) error {
	if ctx.Err() == nil {
		return err
	}
	e.stop(ctx, id)
	return fmt.Errorf("%w: %w", ctx.Err(), err)
}

// stop stops a container on a context detached from the (cancelled) ctx:
// the stop signal, StopGrace, then SIGKILL; SIGKILL at once when ctx was
// cancelled with engine.ErrStopNow as its cause.
func (e *Engine) stop(ctx context.Context, id string) {
	// StopGrace and a margin: an engine that stopped answering must not
	// hold the run for long.
	sctx, cancel := engine.Detached(ctx, e.StopGrace+5*time.Second)
	defer cancel()
	if e.StopGrace <= 0 || errors.Is(context.Cause(ctx), engine.ErrStopNow) {
		_, _ = e.cli.ContainerKill(sctx, id, client.ContainerKillOptions{Signal: "KILL"})
		return
	}
	secs := int((e.StopGrace + time.Second - 1) / time.Second)
	_, _ = e.cli.ContainerStop(sctx, id, client.ContainerStopOptions{Timeout: &secs})
}

// copyOutput writes an attached stream to out: raw for a TTY, otherwise
// demultiplexed into stdout and stderr. After a writer fails, its output is
// discarded but the stream is still drained, so the container never blocks
// on a full pipe; the first write error is returned.
func copyOutput(r io.Reader, out engine.Streams, tty bool) error {
	stdout, stderr := &latchWriter{w: out.Stdout}, &latchWriter{w: out.Stderr}
	var err error
	if tty {
		_, err = io.Copy(stdout, r)
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, r)
	}
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return errors.Join(err, stdout.err, stderr.err)
}

// latchWriter writes to w until the first error, then discards. A nil w
// discards.
type latchWriter struct {
	w   io.Writer
	err error
}

func (l *latchWriter) Write(p []byte) (int, error) {
	if l.w == nil || l.err != nil {
		return len(p), nil
	}
	if _, err := l.w.Write(p); err != nil {
		l.err = err
	}
	return len(p), nil
}

// containerLabel names a container in error messages.
func containerLabel(spec engine.ContainerSpec) string {
	if spec.Name != "" {
		return spec.Name
	}
	return "(" + spec.Image + ")"
}
