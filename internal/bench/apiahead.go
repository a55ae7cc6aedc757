package bench

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
)

// Phases are the per-container durations of the API loop's calls, for the
// report's note on where a sequential container's time goes.
type Phases struct {
	mu                          sync.Mutex
	Create, Start, Wait, Remove []time.Duration
}

func (p *Phases) add(create, start, wait, remove time.Duration) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Create = append(p.Create, create)
	p.Start = append(p.Start, start)
	p.Wait = append(p.Wait, wait)
	p.Remove = append(p.Remove, remove)
}

// String gives the phases' medians.
func (p *Phases) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	med := func(d []time.Duration) string {
		if len(d) == 0 {
			return "–"
		}
		s := append([]time.Duration(nil), d...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return FormatDuration(s[len(s)/2])
	}
	return fmt.Sprintf("create %s, start %s, wait %s, remove %s (medians of %d containers)",
		med(p.Create), med(p.Start), med(p.Wait), med(p.Remove), len(p.Create))
}

// RunAhead runs n containers one after another like Run, pipelined the
// way acb pipelines a chain of steps: container i+1 is created while
// container i runs and started when i has exited; each container is
// removed in the background. It is the engine's floor for "create ahead,
// start when the dependency ends".
func (a *APILoop) RunAhead(ctx context.Context, image string, cmd []string, n int, l Layout) (err error) {
	if err := a.setUp(ctx, l); err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.tearDown(context.WithoutCancel(ctx), l)) }()
	var removals sync.WaitGroup
	var rmMu sync.Mutex
	var rmErrs []error
	defer func() {
		removals.Wait()
		err = errors.Join(err, errors.Join(rmErrs...))
	}()
	removeLater := func(id string) {
		removals.Go(func() {
			if e := a.remove(ctx, id); e != nil {
				rmMu.Lock()
				rmErrs = append(rmErrs, e)
				rmMu.Unlock()
			}
		})
	}
	type made struct {
		id  string
		err error
	}
	create := func() chan made {
		ch := make(chan made, 1)
		go func() {
			id, err := a.create(ctx, image, cmd, l)
			ch <- made{id, err}
		}()
		return ch
	}
	next := create()
	for i := range n {
		cur := <-next
		if cur.err != nil {
			return cur.err
		}
		if i+1 < n {
			next = create()
		}
		err := a.startWait(ctx, cur.id)
		removeLater(cur.id)
		if err != nil {
			if i+1 < n {
				if m := <-next; m.err == nil {
					removeLater(m.id)
				}
			}
			return err
		}
	}
	return nil
}

// create creates one container of the loop in layout l.
func (a *APILoop) create(ctx context.Context, image string, cmd []string, l Layout) (string, error) {
	a.mu.Lock()
	a.seq++
	name := fmt.Sprintf("%s-api-%d", a.labels[LabelKey], a.seq)
	a.mu.Unlock()
	hc := &container.HostConfig{}
	hc.NetworkMode = container.NetworkMode(l.mode())
	for i, v := range l.Volumes {
		hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeVolume, Source: v, Target: fmt.Sprintf("/v%d", i)})
	}
	created, err := a.cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name:       name,
		Config:     &container.Config{Image: image, Cmd: cmd, Labels: a.labels},
		HostConfig: hc,
	})
	if err != nil {
		return "", fmt.Errorf("create %s: %w", name, err)
	}
	return created.ID, nil
}

// startWait starts a created container and waits for it to exit 0. The
// wait is registered first, as acb does, so a fast exit is not missed.
func (a *APILoop) startWait(ctx context.Context, id string) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := a.cli.ContainerWait(wctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := a.cli.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("start %s: %w", id, err)
	}
	select {
	case res := <-w.Result:
		if res.StatusCode != 0 {
			return fmt.Errorf("%s exited %d", id, res.StatusCode)
		}
		return nil
	case err := <-w.Error:
		return fmt.Errorf("wait %s: %w", id, err)
	}
}

// RunGated runs n containers one after another like RunAhead, but with
// the next container already started (not only created) while the
// previous one runs: each runs `sh -c 'read _; exec CMD'` and is released
// by a line on its attached stdin once its predecessor exited 0. It is
// not what acb does (PID 1 would be a gate, stdin open, the container on
// the network before its dependency ended): it measures what starting
// ahead would buy, the part of the engine's start path a pipeline that
// only creates ahead cannot hide.
func (a *APILoop) RunGated(ctx context.Context, image string, cmd []string, n int, l Layout) (err error) {
	if err := a.setUp(ctx, l); err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.tearDown(context.WithoutCancel(ctx), l)) }()
	type gated struct {
		id     string
		stdin  client.ContainerAttachResult
		result <-chan container.WaitResponse
		errc   <-chan error
		cancel context.CancelFunc
		err    error
	}
	var removals sync.WaitGroup
	defer removals.Wait()
	line := append([]string{"sh", "-c", `read _; exec "$@"`, "gate"}, cmd...)
	start := func() chan *gated {
		ch := make(chan *gated, 1)
		go func() {
			g := &gated{}
			defer func() { ch <- g }()
			g.id, g.err = a.createGated(ctx, image, line, l)
			if g.err != nil {
				return
			}
			g.stdin, g.err = a.cli.ContainerAttach(ctx, g.id, client.ContainerAttachOptions{Stream: true, Stdin: true})
			if g.err != nil {
				return
			}
			wctx, cancel := context.WithCancel(ctx)
			g.cancel = cancel
			w := a.cli.ContainerWait(wctx, g.id, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
			g.result, g.errc = w.Result, w.Error
			if _, err := a.cli.ContainerStart(ctx, g.id, client.ContainerStartOptions{}); err != nil {
				g.err = fmt.Errorf("start %s: %w", g.id, err)
			}
		}()
		return ch
	}
	finish := func(g *gated) {
		if g.cancel != nil {
			g.cancel()
		}
		if g.stdin.Conn != nil {
			g.stdin.Close()
		}
		if g.id != "" {
			removals.Go(func() { _ = a.remove(ctx, g.id) })
		}
	}
	next := start()
	for i := range n {
		cur := <-next
		if cur.err != nil {
			finish(cur)
			return cur.err
		}
		if i+1 < n {
			next = start()
		}
		_, werr := cur.stdin.Conn.Write([]byte("go\n"))
		if werr == nil {
			select {
			case res := <-cur.result:
				if res.StatusCode != 0 {
					werr = fmt.Errorf("%s exited %d", cur.id, res.StatusCode)
				}
			case err := <-cur.errc:
				werr = fmt.Errorf("wait %s: %w", cur.id, err)
			}
		}
		finish(cur)
		if werr != nil {
			if i+1 < n {
				finish(<-next)
			}
			return werr
		}
	}
	return nil
}

// createGated creates a container of the gated loop, with stdin open.
func (a *APILoop) createGated(ctx context.Context, image string, cmd []string, l Layout) (string, error) {
	a.mu.Lock()
	a.seq++
	name := fmt.Sprintf("%s-api-%d", a.labels[LabelKey], a.seq)
	a.mu.Unlock()
	hc := &container.HostConfig{NetworkMode: container.NetworkMode(l.mode())}
	for i, v := range l.Volumes {
		hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeVolume, Source: v, Target: fmt.Sprintf("/v%d", i)})
	}
	created, err := a.cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: name,
		Config: &container.Config{Image: image, Cmd: cmd, Labels: a.labels,
			OpenStdin: true, StdinOnce: true, AttachStdin: true},
		HostConfig: hc,
	})
	if err != nil {
		return "", fmt.Errorf("create %s: %w", name, err)
	}
	return created.ID, nil
}
