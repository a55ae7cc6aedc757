package runner

import (
	"context"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/engine"
)

// probeBuildKitEarly starts the engine's BuildKit probe (one gRPC
// connection and two calls, ~10 ms) while the run sets up, when a build
// step may use BuildKit; the engine caches the answer, so the step's own
// BuildKitInfo call finds it ready. The returned function cancels an
// unfinished probe and waits for it.
func (r *run) probeBuildKitEarly(ctx context.Context) (wait func()) {
	bk, ok := r.eng.(engine.BuildKitBuilder)
	if !ok || !r.mayUseBuildKit() {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = bk.BuildKitInfo(ctx) // errors are the step's to report
	}()
	return func() {
		cancel()
		<-done
	}
}

// mayUseBuildKit reports whether a selected build step will ask for
// BuildKit (see chooseBuildKit).
func (r *run) mayUseBuildKit() bool {
	for _, s := range r.steps {
		if s.Type == graph.BuildStep && (r.opts.BuildKit || buildKitReason(s) != "") {
			return true
		}
	}
	return false
}
