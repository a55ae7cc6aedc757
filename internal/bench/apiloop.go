package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
)

// APILoop is the Engine API baseline (runner C of the performance anchors):
// the moby client used directly, one container at a time doing create,
// start, wait (not-running) and remove, with no output attached.
type APILoop struct {
	cli    *client.Client
	labels map[string]string
	seq    int
	mu     sync.Mutex
	// Phases, when set, collects the durations of each container's calls.
	Phases *Phases
}

// NewAPILoop returns a loop whose objects carry labels.
func NewAPILoop(cli *client.Client, labels map[string]string) *APILoop {
	return &APILoop{cli: cli, labels: labels}
}

// Layout is where the loop's containers run.
type Layout struct {
	// Network is a user-defined bridge network to create for the run and
	// attach every container to; empty means the default bridge (or Mode).
	Network string
	// Mode is the network mode of the containers when Network is empty:
	// "none" gives them no network at all.
	Mode string
	// Volumes are named volumes to create for the run and mount in every
	// container (at /v0, /v1, ...), as acb mounts its run and home volumes.
	Volumes []string
}

// Run runs n containers of image with cmd, one after another when
// parallel is false and all at once otherwise, creating and removing the
// layout's network and volumes around them (inside the measured time, as
// acb must).
func (a *APILoop) Run(ctx context.Context, image string, cmd []string, n int, parallel bool, l Layout) (err error) {
	if err := a.setUp(ctx, l); err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.tearDown(context.WithoutCancel(ctx), l)) }()
	if !parallel {
		for range n {
			if err := a.runOne(ctx, image, cmd, l); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = a.runOne(ctx, image, cmd, l) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (a *APILoop) setUp(ctx context.Context, l Layout) error {
	if l.Network != "" {
		if _, err := a.cli.NetworkCreate(ctx, l.Network, client.NetworkCreateOptions{Driver: "bridge", Labels: a.labels}); err != nil {
			return fmt.Errorf("create network %s: %w", l.Network, err)
		}
	}
	for _, v := range l.Volumes {
		if _, err := a.cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: v, Labels: a.labels}); err != nil {
			return fmt.Errorf("create volume %s: %w", v, err)
		}
	}
	return nil
}

func (a *APILoop) tearDown(ctx context.Context, l Layout) error {
	var errs []error
	if l.Network != "" {
		if _, err := a.cli.NetworkRemove(ctx, l.Network, client.NetworkRemoveOptions{}); err != nil {
			errs = append(errs, fmt.Errorf("remove network %s: %w", l.Network, err))
		}
	}
	for _, v := range l.Volumes {
		if _, err := a.cli.VolumeRemove(ctx, v, client.VolumeRemoveOptions{}); err != nil {
			errs = append(errs, fmt.Errorf("remove volume %s: %w", v, err))
		}
	}
	return errors.Join(errs...)
}

// runOne is one container's create, start, wait and remove.
func (a *APILoop) runOne(ctx context.Context, image string, cmd []string, l Layout) error {
	a.mu.Lock()
	a.seq++
	name := fmt.Sprintf("%s-api-%d", a.labels[LabelKey], a.seq)
	a.mu.Unlock()
	hc := &container.HostConfig{}
	hc.NetworkMode = container.NetworkMode(l.mode())
	for i, v := range l.Volumes {
		hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeVolume, Source: v, Target: fmt.Sprintf("/v%d", i)})
	}
	t0 := time.Now()
	created, err := a.cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name:       name,
		Config:     &container.Config{Image: image, Cmd: cmd, Labels: a.labels},
		HostConfig: hc,
	})
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	t1 := time.Now()
	if _, err := a.cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		return errors.Join(fmt.Errorf("start %s: %w", name, err), a.remove(ctx, created.ID))
	}
	t2 := time.Now()
	w := a.cli.ContainerWait(ctx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case res := <-w.Result:
		if res.StatusCode != 0 {
			return errors.Join(fmt.Errorf("%s exited %d", name, res.StatusCode), a.remove(ctx, created.ID))
		}
	case err := <-w.Error:
		return errors.Join(fmt.Errorf("wait %s: %w", name, err), a.remove(ctx, created.ID))
	}
	t3 := time.Now()
	err = a.remove(ctx, created.ID)
	a.Phases.add(t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), time.Since(t3))
	return err
}

func (a *APILoop) remove(ctx context.Context, id string) error {
	if _, err := a.cli.ContainerRemove(context.WithoutCancel(ctx), id, client.ContainerRemoveOptions{Force: true}); err != nil {
		return fmt.Errorf("remove %s: %w", id, err)
	}
	return nil
}

// mode is the containers' network mode.
func (l Layout) mode() string {
	if l.Network != "" {
		return l.Network
	}
	return l.Mode
}
