package docker

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/runner/engine"
)

// RunInteractive creates and starts a container with its standard input
// attached, copies streams.Stdin to it (closing it at the end of the input,
// at once for a nil Stdin), its output to streams.Stdout/Stderr, forwards
// terminal sizes, and returns the exit code. With spec.TTY the output is
// one raw stream and the engine's terminal handles Ctrl-C and the like.
// Cancelling ctx stops the container as RunContainer does; the container
// is not removed unless spec.AutoRemove is set.
func (e *Engine) RunInteractive(ctx context.Context, spec engine.ContainerSpec, streams engine.Interactive) (int, error) {
	opts, err := createOptions(spec)
	if err != nil {
		return -1, err
	}
	opts.Config.OpenStdin = true
	opts.Config.StdinOnce = true
	opts.Config.AttachStdin = true
	label := containerLabel(spec)
	created, err := e.cli.ContainerCreate(ctx, opts)
	if err != nil {
		return -1, fmt.Errorf("create container %s: %w", label, mapErr(err))
	}
	id := created.ID
	attached, err := e.cli.ContainerAttach(ctx, id, client.ContainerAttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		return -1, e.interrupted(ctx, id, fmt.Errorf("attach to container %s: %w", label, mapErr(err)))
	}
	defer attached.Close()
	outDone := make(chan error, 1)
	go func() {
		outDone <- copyOutput(attached.Reader, engine.Streams{Stdout: streams.Stdout, Stderr: streams.Stderr}, spec.TTY)
	}()

	waitCtx, cancelWait := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWait()
	wait := e.waitExit(waitCtx, id, spec.AutoRemove)
	if _, err := e.cli.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return -1, e.interrupted(ctx, id, fmt.Errorf("start container %s: %w", label, mapErr(err)))
	}
	if streams.Resize != nil && spec.TTY {
		go e.forwardSizes(waitCtx, id, streams.Resize)
	}
	// The input is copied until it ends (then the container's stdin is
	// closed) or the connection closes; a terminal read may outlive the
	// container until the next key press, which then fails harmlessly.
	go func() {
		if streams.Stdin != nil {
			_, _ = io.Copy(attached.Conn, streams.Stdin)
		}
		_ = attached.CloseWrite()
	}()

	select {
	case res := <-wait.Result:
		select {
		case <-outDone:
		case <-time.After(outputDrainTimeout):
		}
		return exitResult(res, label)
	case err := <-wait.Error:
		return -1, e.interrupted(ctx, id, fmt.Errorf("wait for container %s: %w", label, mapErr(err)))
	case <-ctx.Done():
	}
	e.stop(ctx, id)
	code := -1
	select {
	case res := <-wait.Result:
		code = int(res.StatusCode)
	case <-wait.Error:
	case <-time.After(cleanupTimeout):
	}
	return code, fmt.Errorf("container %s stopped: %w", label, ctx.Err())
}

// InspectContainer describes a container: image, environment, working
// directory, user, network, mounts, labels and state.
func (e *Engine) InspectContainer(ctx context.Context, nameOrID string) (engine.ContainerInfo, error) {
	res, err := e.cli.ContainerInspect(ctx, nameOrID, client.ContainerInspectOptions{})
	if err != nil {
		return engine.ContainerInfo{}, fmt.Errorf("inspect container %s: %w", nameOrID, mapErr(err))
	}
	c := res.Container
	info := engine.ContainerInfo{ID: c.ID, Name: strings.TrimPrefix(c.Name, "/"), Image: c.Image}
	if c.Config != nil {
		info.Env = c.Config.Env
		info.WorkingDir = c.Config.WorkingDir
		info.User = c.Config.User
		info.Labels = c.Config.Labels
	}
	if c.HostConfig != nil {
		info.Network = string(c.HostConfig.NetworkMode)
	}
	if c.State != nil {
		info.Running = c.State.Running
		info.ExitCode = c.State.ExitCode
	}
	for _, m := range c.Mounts {
		switch m.Type {
		case mount.TypeVolume:
			info.Mounts = append(info.Mounts, engine.Mount{Type: "volume", Source: m.Name, Target: m.Destination, ReadOnly: !m.RW})
		case mount.TypeBind:
			info.Mounts = append(info.Mounts, engine.Mount{Type: "bind", Source: m.Source, Target: m.Destination, ReadOnly: !m.RW})
		}
	}
	return info, nil
}

// CommitContainer makes an image of a container's file system, labelled,
// and returns its id. The image has no tag: remove it by id.
func (e *Engine) CommitContainer(ctx context.Context, nameOrID string, labels map[string]string) (string, error) {
	res, err := e.cli.ContainerCommit(ctx, nameOrID, client.ContainerCommitOptions{
		Comment: "acb shell",
		NoPause: true,
		Config:  &container.Config{Labels: labels},
	})
	if err != nil {
		return "", fmt.Errorf("commit container %s: %w", nameOrID, mapErr(err))
	}
	return res.ID, nil
}

// forwardSizes applies terminal sizes to a started container's TTY until
// sizes is closed or ctx ends. On engines before 23.0 a resize right after
// the start can fail or be lost while the TTY is still being set up (the
// docker CLI of that time shows 0x0 terminals too), so the latest size is
// applied again a few times during the first seconds.
func (e *Engine) forwardSizes(ctx context.Context, id string, sizes <-chan engine.TermSize) {
	resize := func(sz engine.TermSize) {
		_, _ = e.cli.ContainerResize(ctx, id, client.ContainerResizeOptions{Height: sz.Height, Width: sz.Width})
	}
	var last *engine.TermSize
	again := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	timer := time.NewTimer(again[0])
	defer timer.Stop()
	for {
		select {
		case sz, ok := <-sizes:
			if !ok {
				return
			}
			last = &sz
			resize(sz)
		case <-timer.C:
			if last != nil {
				resize(*last)
			}
			if again = again[1:]; len(again) > 0 {
				timer.Reset(again[0])
			}
		case <-ctx.Done():
			return
		}
	}
}
