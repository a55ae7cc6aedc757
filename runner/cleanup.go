package runner

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/acb-dev/acb/runner/engine"
)

// cleanupTimeout bounds the whole clean-up and each removal after a step.
const cleanupTimeout = 2 * time.Minute

// cancelledCleanupTimeout bounds the clean-up of a run that timed out or
// was interrupted: an engine that stopped answering must not hold acb long
// after --timeout or Ctrl-C.
const cancelledCleanupTimeout = 15 * time.Second

// cleanup removes what the run created — step containers not yet removed,
// detached containers (kept ones excepted), networks, the run and home
// volumes and the secret volumes — on a context that ignores the run's
// cancellation. Failures are logged, never swallowed silently.
//
// ended tells that the run timed out or was interrupted: the clean-up then
// has a shorter time limit, since the engine may have stopped answering.
func (r *run) cleanup(ctx context.Context, runErr error, ended bool) {
	defer r.timed(TimeCleanup, time.Now())
	interrupted := ctx.Err() != nil
	budget := cleanupTimeout
	if ended {
		budget = cancelledCleanupTimeout
	}
	ctx, cancel := engine.Detached(ctx, budget)
	defer cancel()
	var left leftovers
	defer r.reportLeftovers(&left)
	start := time.Now()
	r.awaitRemovals()
	if !interrupted && r.keepForDebug(ctx, runErr) {
		return
	}
	r.mu.Lock()
	containers := append([]string(nil), r.madeContainers...)
	networks := append([]string(nil), r.madeNetworks...)
	volumes := append([]string(nil), r.madeVolumes...)
	kept := append([]string(nil), r.kept...)
	r.mu.Unlock()

	if runErr != nil {
		strayC, strayN, strayV := r.strays(ctx, kept, volumes)
		containers = appendNew(containers, strayC...)
		networks = appendNew(networks, strayN...)
		volumes = appendNew(volumes, strayV...)
	}
	var wg sync.WaitGroup
	for _, name := range containers {
		wg.Go(func() {
			if err := r.eng.RemoveContainer(ctx, name); err != nil && !errors.Is(err, engine.ErrNotFound) {
				r.c.errorf("", evCleanup, "Failed to remove container: %s, err: %v", name, err)
				left.add(&left.containers, name)
			}
		})
	}
	wg.Wait()
	r.timed(TimeCleanContainer, start)
	if len(kept) > 0 {
		r.c.logf("", evCleanup, "Keeping containers: %s", strings.Join(kept, ", "))
		// The kept containers mount the volumes: keep those too.
		r.c.logf("", evCleanup, "Keeping volumes used by kept containers: %s", strings.Join(volumes, ", "))
		volumes = nil
	}
	// With the containers gone nothing uses the networks and volumes any
	// more: all of them are removed at once (a network's removal is the
	// engine's slowest clean-up call).
	start = time.Now()
	for _, n := range networks {
		wg.Go(func() {
			defer r.timed(TimeCleanNetworks, start)
			if err := r.eng.RemoveNetwork(ctx, n); err != nil && !errors.Is(err, engine.ErrNotFound) {
				r.c.errorf("", evCleanup, "Failed to delete network: %s, err: %v", n, err)
				left.add(&left.networks, n)
			}
		})
	}
	for _, v := range volumes {
		wg.Go(func() {
			defer r.timed(TimeCleanVolumes, start)
			if err := r.eng.RemoveVolume(ctx, v); err != nil && !errors.Is(err, engine.ErrNotFound) {
				r.c.errorf("", evCleanup, "Failed to remove volume: %s, err: %v", v, err)
				left.add(&left.volumes, v)
			}
		})
	}
	wg.Wait()
}

// strays lists the objects of this invocation the engine has but the run
// does not know of: a create interrupted by a cancellation can complete on
// the engine after the client gave up. They are found by the invocation's
// own dev.acb.owner value (never the run id, which two runs may share) and, for the
// helper containers of the run's volumes, by the volume. Kept containers
// are left alone.
func (r *run) strays(ctx context.Context, kept, volumes []string) (containers, networks, vols []string) {
	if lister, ok := r.eng.(engine.ContainerLister); ok {
		names, err := lister.ListContainers(ctx, engine.LabelOwner, r.owner)
		if err != nil {
			r.c.errorf("", evCleanup, "Failed to list the run's containers: %v", err)
		}
		for _, v := range volumes {
			helpers, herr := lister.ListContainers(ctx, engine.LabelHelperVolume, v)
			if herr != nil {
				r.c.errorf("", evCleanup, "Failed to list the helper containers of %s: %v", v, herr)
			}
			names = append(names, helpers...)
		}
		for _, n := range names {
			if !slices.Contains(kept, n) {
				containers = append(containers, n)
			}
		}
	}
	if sw, ok := r.eng.(engine.LabelLister); ok {
		var err error
		if networks, err = sw.ListNetworks(ctx, engine.LabelOwner, r.owner); err != nil {
			r.c.errorf("", evCleanup, "Failed to list the run's networks: %v", err)
		}
		if vols, err = sw.ListVolumes(ctx, engine.LabelOwner, r.owner); err != nil {
			r.c.errorf("", evCleanup, "Failed to list the run's volumes: %v", err)
		}
	}
	return containers, networks, vols
}

// appendNew appends the names list lacks.
func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		if !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	return list
}

// strayContainers is the container part of strays (keep.go keeps the
// networks and volumes of a failed run on purpose).
func (r *run) strayContainers(ctx context.Context, kept []string) []string {
	r.mu.Lock()
	volumes := append([]string(nil), r.madeVolumes...)
	r.mu.Unlock()
	containers, _, _ := r.strays(ctx, kept, volumes)
	return containers
}

// leftovers are the objects the clean-up could not remove.
type leftovers struct {
	mu                            sync.Mutex
	containers, networks, volumes []string
}

func (l *leftovers) add(list *[]string, name string) {
	l.mu.Lock()
	*list = append(*list, name)
	l.mu.Unlock()
}

// reportLeftovers lists what the clean-up could not remove (an engine
// that stopped answering, a second interrupt) with the commands that
// remove it.
func (r *run) reportLeftovers(l *leftovers) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var cmds []string
	if len(l.containers) > 0 {
		cmds = append(cmds, "docker rm -f "+strings.Join(l.containers, " "))
	}
	if len(l.networks) > 0 {
		cmds = append(cmds, "docker network rm "+strings.Join(l.networks, " "))
	}
	if len(l.volumes) > 0 {
		cmds = append(cmds, "docker volume rm "+strings.Join(l.volumes, " "))
	}
	if len(cmds) == 0 {
		return
	}
	r.c.errorf("", evCleanup, "Could not remove everything the run created; remove it with: %s", strings.Join(cmds, " && "))
}
