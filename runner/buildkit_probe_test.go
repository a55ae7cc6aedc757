package runner

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/output"
)

// probeFake is the fake engine with a BuildKit whose probe blocks until
// its context ends (block) or answers at once, recording each call.
type probeFake struct {
	*fakeEngine
	block bool

	mu        sync.Mutex
	calls     int
	returned  int
	cancelled int
}

func (p *probeFake) BuildKitInfo(ctx context.Context) (engine.BuildKitInfo, error) {
	p.mu.Lock()
	p.calls++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.returned++
	}()
	if p.block {
		<-ctx.Done()
		p.mu.Lock()
		p.cancelled++
		p.mu.Unlock()
		return engine.BuildKitInfo{}, ctx.Err()
	}
	return engine.BuildKitInfo{Engine: "probe fake"}, nil
}

func (p *probeFake) BuildKit(context.Context, engine.BuildKitSpec, io.Writer) (engine.BuildKitResult, error) {
	return engine.BuildKitResult{}, errors.New("probe fake: no builds")
}

// TestBuildKitProbedDuringSetUp: when a build step may use BuildKit, the
// run probes the engine's BuildKit while it sets up (the step then finds
// the answer cached), and the probe has ended when Run returns, even one
// that never answers. A run without such a step does not probe.
func TestBuildKitProbedDuringSetUp(t *testing.T) {
	for _, tc := range []struct {
		name, task string
		buildKit   bool
		block      bool
		wantCalls  bool
	}{
		{"DOCKER_BUILDKIT=1", "steps:\n  - build: -t a:1 .\n    env: [DOCKER_BUILDKIT=1]\n", false, false, true},
		{"cache: enabled", "steps:\n  - build: -t a:1 .\n    cache: enabled\n", false, false, true},
		{"--buildkit", "steps:\n  - build: -t a:1 .\n", true, false, true},
		{"a probe that never answers", "steps:\n  - build: -t a:1 .\n", true, true, true},
		{"classic build", "steps:\n  - build: -t a:1 .\n", false, false, false},
		{"--buildkit without a build step", "steps:\n  - push: [\"reg.example/a:1\"]\n", true, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &probeFake{fakeEngine: newFake(), block: tc.block}
			var log, out syncBuf
			opts := Options{RunID: "probe", BuildKit: tc.buildKit, Output: output.New(output.Options{Log: &log, Out: &out})}
			_, _ = runParsed(context.Background(), t, parseTask(t, tc.task), f, opts)
			f.mu.Lock()
			defer f.mu.Unlock()
			if got := f.calls > 0; got != tc.wantCalls {
				t.Fatalf("BuildKit probed %d times, want a probe %v", f.calls, tc.wantCalls)
			}
			if f.returned != f.calls {
				t.Errorf("%d of %d probes still running when Run returned", f.calls-f.returned, f.calls)
			}
			if tc.block && f.cancelled == 0 {
				t.Error("the unanswered probe was not cancelled")
			}
		})
	}
}
