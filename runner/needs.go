package runner

import (
	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/args"
)

// needsHome reports whether a step of the run mounts the home volume:
// only cmd steps do. Build and push steps run in-process, so a run
// without cmd steps creates no home volume and writes no configuration
// file nobody could read.
func (r *run) needsHome() bool {
	for _, s := range r.steps {
		if s.Type == graph.CmdStep {
			return true
		}
	}
	return false
}

// needsNetworks reports whether a step of the run starts a container on
// one of the task's networks: every cmd step may (its own network, the
// default, or a --network in its text), a build step only when its
// --network names a task network (its RUN containers otherwise use the
// engine's default bridge; BuildKit cannot join user networks at all).
// Build and push steps run in-process, so a run without such a step
// creates no network: the engine's create and remove of one cost about
// 250 ms that nothing would use.
func (r *run) needsNetworks() bool {
	for _, s := range r.steps {
		switch s.Type {
		case graph.CmdStep:
			return true
		case graph.BuildStep:
			b, err := args.ParseBuild(s.Build)
			if err != nil {
				// The step fails with this error when it runs; until
				// then, assume it needs what a cmd step would.
				return true
			}
			if _, ok := r.networks[b.Network]; ok {
				return true
			}
		}
	}
	return false
}
