package runner

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/docker"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/output"
)

// prepRecorder is the real engine, recording (by step id) when step
// containers were created ahead, when steps' runs returned, and which
// steps ran a container created ahead.
type prepRecorder struct {
	*docker.Engine
	mu       sync.Mutex
	created  map[string]time.Time
	ended    map[string]time.Time
	usedPrep map[string]bool
}

func newPrepRecorder(eng *docker.Engine) *prepRecorder {
	return &prepRecorder{Engine: eng, created: map[string]time.Time{}, ended: map[string]time.Time{}, usedPrep: map[string]bool{}}
}

func (p *prepRecorder) CreateContainer(ctx context.Context, spec engine.ContainerSpec) (string, error) {
	id, err := p.Engine.CreateContainer(ctx, spec)
	if err == nil {
		p.mu.Lock()
		p.created[spec.Labels["dev.acb.step"]] = time.Now()
		p.mu.Unlock()
	}
	return id, err
}

func (p *prepRecorder) RunCreated(ctx context.Context, id string, spec engine.ContainerSpec, out engine.Streams) (int, error) {
	code, err := p.Engine.RunCreated(ctx, id, spec, out)
	p.mu.Lock()
	p.usedPrep[spec.Labels["dev.acb.step"]] = true
	p.ended[spec.Labels["dev.acb.step"]] = time.Now()
	p.mu.Unlock()
	return code, err
}

func (p *prepRecorder) RunContainer(ctx context.Context, spec engine.ContainerSpec, out engine.Streams) (int, error) {
	code, err := p.Engine.RunContainer(ctx, spec, out)
	p.mu.Lock()
	p.ended[spec.Labels["dev.acb.step"]] = time.Now()
	p.mu.Unlock()
	return code, err
}

// runPrepared runs src ("$BB": the busybox image) through a prepRecorder
// and checks that the run left nothing behind.
func runPrepared(t *testing.T, ctx context.Context, src string, opts Options) (*prepRecorder, *Result, string, error) {
	t.Helper()
	rec := newPrepRecorder(testenv.Engine(t))
	runID := testenv.RunID(t)
	opts.RunID, opts.UniqueNames, opts.Pull = runID, true, PullNever
	var log, out syncBuf
	opts.Output = output.New(output.Options{Log: &log, Out: &out})
	task := parseTask(t, strings.ReplaceAll(src, "$BB", testenv.BusyboxImage(t)))
	res, err := runParsed(ctx, t, task, rec, opts)
	testenv.AssertNoLeftovers(t, runID)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s\noutput:\n%s", log.String(), out.String())
		}
	})
	return rec, res, out.String(), err
}

// The next step's container is created while its dependency runs, then
// run: it sees what the dependency wrote to /workspace after that create.
func TestIntegrationPreparedChain(t *testing.T) {
	t.Parallel()
	rec, _, out, err := runPrepared(t, testenv.Context(t, 2*time.Minute), `
steps:
  - id: a
    cmd: $BB sh -c 'sleep 1; echo written-late > late.txt'
  - id: b
    cmd: $BB cat late.txt
  - id: c
    cmd: $BB echo c
`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out != "written-late\nc\n" {
		t.Errorf("output %q", out)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, s := range []string{"b", "c"} {
		if !rec.usedPrep[s] {
			t.Errorf("step %s did not run a container created ahead", s)
		}
	}
	prev := map[string]string{"b": "a", "c": "b"}
	for s, dep := range prev {
		if c, e := rec.created[s], rec.ended[dep]; c.IsZero() || !c.Before(e) {
			t.Errorf("step %s's container created at %v, not before %s ended (%v)", s, c, dep, e)
		}
	}
}

// A container prepared for a step that never runs is removed, whether its
// dependency failed, the run timed out or the run was interrupted.
func TestIntegrationPreparedDiscarded(t *testing.T) {
	t.Parallel()
	const task = `
steps:
  - id: a
    cmd: $BB sh -c 'sleep %s; exit 3'
  - id: b
    cmd: $BB echo never
`
	cases := []struct {
		name  string
		sleep string
		opts  Options
		ctx   func(context.Context) (context.Context, context.CancelFunc)
	}{
		{name: "failure", sleep: "1"},
		{name: "timeout", sleep: "30", opts: Options{Timeout: 6 * time.Second}},
		{name: "interrupt", sleep: "30", ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 6*time.Second) // as SIGINT cancels the CLI's context
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := testenv.Context(t, 2*time.Minute)
			if tc.ctx != nil {
				var cancel context.CancelFunc
				ctx, cancel = tc.ctx(ctx)
				defer cancel()
			}
			rec, res, out, err := runPrepared(t, ctx, strings.Replace(task, "%s", tc.sleep, 1), tc.opts)
			if err == nil {
				t.Fatal("run succeeded")
			}
			if strings.Contains(out, "never") {
				t.Error("step b ran")
			}
			rec.mu.Lock()
			_, made := rec.created["b"]
			rec.mu.Unlock()
			if !made {
				t.Error("step b's container was not created ahead, so this test proves nothing")
			}
			if res.Steps[1].Status != StepSkipped {
				t.Errorf("step b: %s, want skipped", res.Steps[1].Status)
			}
		})
	}
}
