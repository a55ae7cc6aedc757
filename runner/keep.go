package runner

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/engine"
)

// --keep-on-failure (Options.KeepOnFailure): when a step fails the run,
// its container (cmd steps), the run's volumes and the networks the run
// created are kept, and the commands to look inside and to clean up are
// printed. Everything else the run created is removed as usual.

// keepFailedAttempt records the container of a failed cmd attempt instead
// of removing it, when failures are kept; it reports whether it did. The
// container is removed before a retry, and at the end unless its step is
// the one that failed the run.
func (r *run) keepFailedAttempt(s *graph.Step, name string, failed bool) bool {
	if !r.opts.KeepOnFailure || !failed || s.Keep {
		return false
	}
	r.mu.Lock()
	if r.failedContainers == nil {
		r.failedContainers = map[string]string{}
	}
	r.failedContainers[s.ID] = name
	r.mu.Unlock()
	return true
}

// keepForDebug is the clean-up of a run whose failure is kept: it removes
// the containers other than the failed step's (kept ones stay, as always)
// and leaves the volumes and networks. It reports false, doing nothing,
// when the run is not to be kept: no --keep-on-failure, success, an
// interruption, a failure outside a step.
func (r *run) keepForDebug(ctx context.Context, runErr error) bool {
	var se *StepError
	if !r.opts.KeepOnFailure || !errors.As(runErr, &se) || errors.Is(runErr, context.Canceled) {
		return false
	}
	r.mu.Lock()
	failed := r.failedContainers[se.StepID]
	if s := r.byID[se.StepID]; failed == "" && s != nil && s.Keep {
		failed = r.results[se.StepID].Container // kept anyway (keep: true)
	}
	remove := append([]string(nil), r.madeContainers...)
	for id, name := range r.failedContainers {
		if id != se.StepID {
			remove = append(remove, name)
		}
	}
	kept := append([]string(nil), r.kept...)
	networks := append([]string(nil), r.madeNetworks...)
	volumes := append([]string(nil), r.madeVolumes...)
	r.mu.Unlock()
	slices.Sort(volumes) // made concurrently: print them in a stable order
	keepNames := append(kept, failed)
	for _, n := range r.strayContainers(ctx, keepNames) {
		if n != failed {
			remove = append(remove, n)
		}
	}
	for _, name := range remove {
		if err := r.eng.RemoveContainer(ctx, name); err != nil && !errors.Is(err, engine.ErrNotFound) {
			r.c.errorf("", evCleanup, "Failed to remove container: %s, err: %v", name, err)
		}
	}
	if len(kept) > 0 {
		r.c.logf("", evCleanup, "Keeping containers: %s", strings.Join(kept, ", "))
	}
	r.printKept(se.StepID, failed, networks, volumes)
	return true
}

// printKept prints what --keep-on-failure kept and the exact commands to
// inspect and to remove it.
func (r *run) printKept(stepID, container string, networks, volumes []string) {
	var containers []string
	if container != "" {
		containers = []string{container}
	}
	// What was kept, and the command that removes each kind of it.
	kinds := []struct {
		what, rm string
		names    []string
	}{
		{"container ", "docker rm -f ", containers},
		{"networks ", "docker network rm ", networks},
		{"volumes ", "docker volume rm ", volumes},
	}
	var what, cmds []string
	for _, k := range kinds {
		if len(k.names) > 0 {
			what = append(what, k.what+strings.Join(k.names, ", "))
			cmds = append(cmds, k.rm+strings.Join(k.names, " "))
		}
	}
	if len(what) == 0 {
		what = append(what, "nothing (the step created nothing to keep)")
	}
	p := func(format string, a ...any) { r.c.logf(stepID, evKept, format, a...) }
	p("Kept for inspection after step ID: %s failed (--keep-on-failure): %s", stepID, strings.Join(what, "; "))
	if container != "" {
		p("To open a shell in the failed step's file system: acb shell %s --run %s", stepID, r.runID)
		p("To inspect the container: docker logs %[1]s; docker diff %[1]s; docker inspect %[1]s", container)
	}
	if r.workspace == "" && len(volumes) > 0 {
		p("To look at the workspace: docker run --rm -it -v %s:%s -w %s <image with a shell> sh", r.vol, graph.WorkspaceDir, graph.WorkspaceDir)
	}
	p("To clean up: acb clean --run %s", r.runID)
	if len(cmds) > 0 {
		p("  or: %s", strings.Join(cmds, " && "))
	}
}
