package runner

import (
	"context"
	"sync"

	"github.com/acb-dev/acb/graph"
)

// removals tracks step containers being removed in the background, so
// that a step's successor does not wait for its predecessor's removal.
type removals struct {
	mu     sync.Mutex
	wg     sync.WaitGroup
	byName map[string]chan struct{} // closed when the removal has ended
}

// removeAsync removes a step container in the background (see
// removeContainer); awaitRemoval and awaitRemovals wait for it.
func (r *run) removeAsync(ctx context.Context, s *graph.Step, name string) {
	done := make(chan struct{})
	r.rm.mu.Lock()
	if r.rm.byName == nil {
		r.rm.byName = map[string]chan struct{}{}
	}
	prev := r.rm.byName[name]
	r.rm.byName[name] = done
	r.rm.wg.Add(1)
	r.rm.mu.Unlock()
	go func() {
		defer r.rm.wg.Done()
		defer close(done)
		if prev != nil {
			<-prev
		}
		r.removeContainer(ctx, s, name)
	}()
}

// awaitRemoval waits until no removal of a container named name is under
// way, before a container of that name is created again (a retry).
func (r *run) awaitRemoval(name string) {
	r.rm.mu.Lock()
	done := r.rm.byName[name]
	r.rm.mu.Unlock()
	if done != nil {
		<-done
	}
}

// awaitRemovals waits for every background removal; clean-up starts
// with it.
func (r *run) awaitRemovals() {
	r.rm.wg.Wait()
}
