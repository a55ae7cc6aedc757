package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/runner/docker"
)

// LabelKey labels every engine object the harness itself creates; its value
// is the harness run's id. acb's objects carry dev.acb.run=<id>, with ids
// that start with the same value.
const LabelKey = "dev.acb.bench"

// Config configures a harness run.
type Config struct {
	Root        string   // module root (where go.mod is)
	ACB         string   // the acb binary
	BaselineACB string   // another acb binary measured alongside (before/after); empty: none
	Go          string   // the go command
	Reps        int      // measured repetitions per workload
	Warmup      bool     // run one unmeasured repetition first
	Only        []string // workload names to run; empty means all
	BuildMiB    int      // size of the build context's random file
	PushMiB     int      // size of each pushed image's random layer
	StartupRuns int      // runs of each start-up command
	MaxLoad     float64  // wait before a workload while load1 exceeds this (0: never)
	LoadWait    time.Duration
	Log         io.Writer // progress lines
}

// Harness runs the workloads against one engine and collects the report.
type Harness struct {
	cfg    Config
	cli    *client.Client
	eng    *docker.Engine
	id     string // harness run id: label value and name prefix
	tmp    string
	hasRun bool // `acb run` exists
	seq    int
	images []string // image references to remove at the end
	rep    *Report
	ownBB  bool // the harness built the busybox image
	rss    []rssSamples
}

// New connects to the engine, makes sure the busybox image exists and
// creates a scratch directory. Close undoes all of it.
func New(ctx context.Context, cfg Config) (*Harness, error) {
	if cfg.Reps < 1 {
		cfg.Reps = 1
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	acb, err := filepath.Abs(cfg.ACB)
	if err != nil {
		return nil, fmt.Errorf("acb binary: %w", err)
	}
	cfg.ACB = acb
	if cfg.BaselineACB != "" {
		if cfg.BaselineACB, err = filepath.Abs(cfg.BaselineACB); err != nil {
			return nil, fmt.Errorf("baseline acb binary: %w", err)
		}
	}
	if _, err := os.Stat(acb); err != nil {
		return nil, fmt.Errorf("acb binary (run make build): %w", err)
	}
	eng, err := docker.New(ctx)
	if err != nil {
		return nil, err
	}
	cli, err := client.New(client.FromEnv)
	if err != nil {
		_ = eng.Close()
		return nil, fmt.Errorf("docker client: %w", err)
	}
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		_ = eng.Close()
		_ = cli.Close()
		return nil, fmt.Errorf("ping engine: %w", err)
	}
	h := &Harness{
		cfg: cfg, cli: cli, eng: eng,
		id:  "acbbench-" + time.Now().Format("150405") + "-" + strconv.Itoa(os.Getpid()),
		rep: &Report{Started: time.Now(), Reps: cfg.Reps, Warmup: cfg.Warmup},
	}
	if h.tmp, err = os.MkdirTemp("", "acbbench-"); err != nil {
		_ = h.Close(ctx)
		return nil, fmt.Errorf("scratch directory: %w", err)
	}
	if h.ownBB, err = EnsureBusybox(ctx, eng); err != nil {
		_ = h.Close(ctx)
		return nil, err
	}
	h.hasRun = exec.CommandContext(ctx, acb, "run", "--help").Run() == nil
	return h, nil
}

// labels returns the label set of the harness's own objects.
func (h *Harness) labels() map[string]string {
	return map[string]string{LabelKey: h.id}
}

// nextID returns a fresh id for an acb run or an object name.
func (h *Harness) nextID(kind string) string {
	h.seq++
	return fmt.Sprintf("%s-%s-%d", h.id, kind, h.seq)
}

// logf writes one progress line.
func (h *Harness) logf(format string, args ...any) {
	fmt.Fprintf(h.cfg.Log, "acbbench: "+format+"\n", args...)
}

// wants reports whether workload name is selected.
func (h *Harness) wants(name string) bool {
	if len(h.cfg.Only) == 0 {
		return true
	}
	for _, o := range h.cfg.Only {
		if o == name {
			return true
		}
	}
	return false
}

// waitForLoad waits, up to LoadWait, while the 1-minute load exceeds
// MaxLoad, then records the load for the report.
func (h *Harness) waitForLoad(ctx context.Context, what string) {
	if h.cfg.MaxLoad > 0 {
		deadline := time.Now().Add(h.cfg.LoadWait)
		for l := Load1(); l > h.cfg.MaxLoad && time.Now().Before(deadline); l = Load1() {
			h.logf("load %.2f > %.2f, waiting before %s", l, h.cfg.MaxLoad, what)
			select {
			case <-ctx.Done():
				return
			case <-time.After(10 * time.Second):
			}
		}
	}
	h.rep.Load = append(h.rep.Load, LoadSample{When: "before " + what, Load: LoadAverage()})
}

// Run runs the selected workloads and returns the report. A failing
// workload is recorded as a finding and does not stop the others.
func (h *Harness) Run(ctx context.Context) (*Report, error) {
	h.rep.Machine = DescribeMachine(ctx, h.cli, h.cfg.Go, h.cfg.ACB)
	if src, err := DescribeSource(ctx, h.cfg.Root); err != nil {
		h.logf("source tree: %v", err)
	} else {
		h.rep.Source = src
		if src.Dirty {
			h.logf("the work tree has uncommitted changes: the report will say so, and TestBenchmarksAreCurrent fails on it")
		}
	}
	if !h.hasRun {
		h.rep.Findings = append(h.rep.Findings, "`acb run` is not available in this build of acb: every row that needs it is missing.")
	}
	workloads := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"startup", h.startup},
		{"frontend", h.frontEnd},
		{"fixed", h.fixed},
		{"steps", h.steps},
		{"parallel", h.parallel},
		{"build", h.build},
		{"buildkit", h.buildkit},
		{"push", h.push},
		{"debug", h.debugLoop},
	}
	var errs []error
	for _, w := range workloads {
		if !h.wants(w.name) {
			continue
		}
		h.waitForLoad(ctx, w.name)
		h.logf("workload %s", w.name)
		start := time.Now()
		if err := w.fn(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", w.name, err))
			h.logf("workload %s failed: %v", w.name, err)
			h.rep.Findings = append(h.rep.Findings, fmt.Sprintf("Workload %s failed: %s", w.name, firstLine(err.Error())))
		}
		h.logf("workload %s done in %s", w.name, time.Since(start).Round(time.Millisecond))
		if ctx.Err() != nil {
			break
		}
	}
	h.rep.Load = append(h.rep.Load, LoadSample{When: "end", Load: LoadAverage()})
	h.memoryRows()
	h.rep.Elapsed = time.Since(h.rep.Started)
	h.rep.Notes = append(h.rep.Notes, notes(h)...)
	return h.rep, errors.Join(errs...)
}

// Close removes everything the harness and the acb runs it started
// created, then releases the engine connections.
func (h *Harness) Close(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	var errs []error
	if h.cli != nil {
		errs = append(errs, h.cleanEngine(ctx))
	}
	if h.tmp != "" {
		errs = append(errs, os.RemoveAll(h.tmp))
	}
	if h.cli != nil {
		errs = append(errs, h.cli.Close())
	}
	if h.eng != nil {
		errs = append(errs, h.eng.Close())
	}
	return errors.Join(errs...)
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
