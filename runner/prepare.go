package runner

import (
	"context"
	"errors"
	"reflect"
	"sync"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/args"
	"github.com/acb-dev/acb/runner/engine"
)

// maxPrepared bounds the containers created ahead and not yet started.
const maxPrepared = 4

// prepared is a step container created ahead of its step, while the
// step's dependencies still run (see prepareAhead). done closes when the
// create has returned.
type prepared struct {
	spec engine.ContainerSpec
	done chan struct{}
	id   string
	err  error
}

// preparedSet holds the containers created ahead, by step id, until their
// step takes them or the scheduler discards them.
type preparedSet struct {
	mu     sync.Mutex
	byStep map[string]*prepared
}

// prepareAhead creates the container of step s now, in the background,
// when s can be prepared without its dependencies' results: a cmd step run
// directly (no host shell), not detached, whose image needs no pull first,
// outside a run serving a step identity (its endpoint is set up when the
// step starts). A step the engine cannot prepare for, or a failed create,
// just runs the ordinary way. Creating early is invisible to the step:
// the container's filesystem, volumes and network only come into play at
// its start.
func (r *run) prepareAhead(ctx context.Context, s *graph.Step) {
	pe, ok := r.eng.(engine.ContainerPreparer)
	if !ok || s.Type != graph.CmdStep || s.Detach || s.Pull || r.opts.Pull == PullAlways {
		return
	}
	r.mu.Lock()
	identity := r.ident != nil
	r.mu.Unlock()
	if identity {
		return
	}
	cmd, err := args.ParseCmd(s.Cmd)
	if err != nil || cmd.Detach {
		return
	}
	spec, err := r.cmdSpec(s, cmd)
	if err != nil || spec.OpenStdin { // an interactive step attaches at create
		return
	}
	r.prep.mu.Lock()
	if r.prep.byStep == nil {
		r.prep.byStep = map[string]*prepared{}
	}
	if _, dup := r.prep.byStep[s.ID]; dup || len(r.prep.byStep) >= maxPrepared {
		r.prep.mu.Unlock()
		return
	}
	p := &prepared{spec: spec, done: make(chan struct{})}
	r.prep.byStep[s.ID] = p
	r.prep.mu.Unlock()
	go func() {
		defer close(p.done)
		r.awaitRemoval(spec.Name)
		p.id, p.err = pe.CreateContainer(ctx, spec)
	}()
}

// takePrepared hands the container prepared for step id (or nil) to its
// step, which then owns it: it runs it or removes it.
func (r *run) takePrepared(id string) *prepared {
	r.prep.mu.Lock()
	defer r.prep.mu.Unlock()
	p := r.prep.byStep[id]
	delete(r.prep.byStep, id)
	return p
}

// usePrepared waits for p's create and returns the container id when it
// was made from exactly spec; otherwise it removes what was made and
// returns "" (the step creates its container itself).
func (r *run) usePrepared(ctx context.Context, s *graph.Step, p *prepared, spec engine.ContainerSpec) string {
	<-p.done
	if p.err == nil && reflect.DeepEqual(p.spec, spec) {
		return p.id
	}
	r.discardPrepared(ctx, s.ID, p)
	return ""
}

// discardPrepared removes a prepared container that will not run.
func (r *run) discardPrepared(ctx context.Context, step string, p *prepared) {
	<-p.done
	if p.id == "" {
		return
	}
	rctx, cancel := engine.Detached(ctx, cleanupTimeout)
	defer cancel()
	if err := r.eng.RemoveContainer(rctx, p.id); err != nil && !errors.Is(err, engine.ErrNotFound) {
		r.c.errorf(step, evCleanup, "Failed to remove container: %s, err: %v", p.spec.Name, err)
		r.trackContainer(p.spec.Name)
	}
}

// discardAllPrepared removes every prepared container no step took; the
// scheduler calls it on every way out.
func (r *run) discardAllPrepared(ctx context.Context) {
	r.prep.mu.Lock()
	left := r.prep.byStep
	r.prep.byStep = nil
	r.prep.mu.Unlock()
	var wg sync.WaitGroup
	for id, p := range left {
		wg.Go(func() { r.discardPrepared(ctx, id, p) })
	}
	wg.Wait()
}

// prepareDependents runs after the scheduler launched step id: each step
// waiting on it whose dependencies have now all been launched is prepared
// (its container created) while they run.
func (r *run) prepareDependents(ctx context.Context, id string, launched map[string]bool, dependents map[string][]string) {
	for _, t := range dependents[id] {
		all := true
		for _, d := range r.deps[t] {
			all = all && launched[d]
		}
		if all {
			r.prepareAhead(ctx, r.byID[t])
		}
	}
}
