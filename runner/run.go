package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/report"
)

// run is the state of one Run call. The scheduler goroutine owns results
// and the dependency counters; step goroutines write only their own
// StepResult, handed back over a channel. mu guards the clean-up lists,
// which step goroutines append to.
type run struct {
	task *graph.Task
	eng  engine.Engine
	opts *Options
	c    *console

	runID string
	uid   string // uuid shared by the run's volumes
	short string // run id prefix for unique names

	vol      string            // run volume, mounted at /workspace
	home     string            // home volume, mounted at /acb/home
	secrets  map[string]string // task volume name → engine volume
	networks map[string]string // task network name → engine network name
	// unusedNetworks: no step of the run starts a container on a task
	// network (needsNetworks), so none is created.
	unusedNetworks bool

	steps   []*graph.Step
	byID    map[string]*graph.Step
	deps    map[string][]string
	results map[string]*StepResult
	leftOut []graph.LeftOut // steps the selection left out (selection.go)

	mu             sync.Mutex
	madeVolumes    []string
	madeNetworks   []string
	madeContainers []string // removed at the end (detached, failed-to-remove)
	kept           []string
	// failedContainers are the containers of failed cmd attempts kept
	// for --keep-on-failure, by step id (keep.go).
	failedContainers map[string]string
	warned           map[string]bool

	prep preparedSet // step containers created ahead (prepare.go)
	rm   removals    // step containers being removed (removal.go)

	cfgMu      sync.Mutex // guards cfgWritten
	cfgWritten []byte     // the Docker configuration last written to home

	owner string // the LabelOwner value: this invocation (owner.go)

	termMu sync.Mutex // one interactive step at a time on acb's terminal (interactive.go)

	ident *stepIdentity // the step identity endpoint; nil when off (identity.go)

	fromHost  bool   // build steps read /workspace from the host (hostDir)
	workspace string // the host workspace bound at /workspace; "" for the run volume

	report   depReport             // build steps' dependency report
	depsDone []report.Dependencies // the final report, digests filled
}

// Run executes task on eng: it sets up the run volume, networks, Docker
// configuration and secret volumes, runs the steps as a DAG, prints the
// summary and removes everything it created, on every exit path. It
// returns a Result (never nil) and, when the run fails, an error: a
// *StepError when a step failed, an ErrInput-wrapped error for unusable
// input, or an ErrEngine-wrapped one when the engine failed outside a
// step. With opts.DryRun it prints the plan and touches no engine.
//
// task and dag are what package load returns (load.Loaded.Task and DAG);
// opts.RunID is the run id the task was rendered with.
func Run(ctx context.Context, task *graph.Task, dag *graph.DAG, eng engine.Engine, opts Options) (*Result, error) {
	start := time.Now()
	r, err := newRun(task, dag, eng, &opts)
	res := &Result{RunID: opts.RunID}
	if err != nil {
		return res, err
	}
	res.RunID = r.runID
	for _, s := range r.steps {
		res.Steps = append(res.Steps, r.results[s.ID])
	}
	if opts.DryRun {
		r.dryRun()
		if err := r.dryRunProblems(); err != nil {
			return res, err
		}
		res.Succeeded = true
		return res, nil
	}
	if eng == nil {
		return res, inputErr("no engine")
	}
	ctx = engine.WithAbort(ctx, opts.Abort)
	for _, line := range opts.EngineLines {
		r.c.logf("", evEngine, "%s", line)
	}
	runCtx := ctx
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	defer r.stopIdentity() // also when something panics
	err = r.execute(runCtx)
	r.stopIdentity()
	r.cleanup(ctx, err, runCtx.Err() != nil)
	res.Kept = r.kept
	res.Dependencies = r.depsDone
	if err != nil && res.Dependencies == nil {
		// What is known: the build steps scanned so far, digests as found.
		res.Dependencies = r.dependencyReport()
	}
	res.Elapsed = time.Since(start)
	res.Succeeded = err == nil
	return res, err
}

// execute sets up, schedules and summarises; clean-up is the caller's.
func (r *run) execute(ctx context.Context) error {
	r.c.debugf("", "run %s: pull policy %q, parallelism %d (0: no limit), timeout %s, prefix %v, run volume %s",
		r.runID, r.opts.Pull, r.opts.Parallelism, r.opts.Timeout, r.c.prefix, r.vol)
	r.logLeftOut()
	defer r.probeBuildKitEarly(ctx)()
	if err := r.setup(ctx); err != nil {
		return err
	}
	if err := r.schedule(ctx); err != nil {
		return err
	}
	return r.summary(ctx)
}

func newRun(task *graph.Task, dag *graph.DAG, eng engine.Engine, opts *Options) (*run, error) {
	if task == nil || dag == nil {
		return nil, inputErr("no task or no DAG")
	}
	if opts.RunID == "" {
		return nil, inputErr("no run id")
	}
	switch opts.Pull {
	case "", PullMissing, PullAlways, PullNever:
	default:
		return nil, inputErr("pull policy %q: want missing, always or never", opts.Pull)
	}
	switch opts.Prefix {
	case "", PrefixAuto, PrefixAlways, PrefixNever:
	default:
		return nil, inputErr("prefix %q: want auto, always or never", opts.Prefix)
	}
	if opts.Parallelism < 0 {
		return nil, inputErr("parallelism %d: want 0 (unlimited) or more", opts.Parallelism)
	}
	uid := uuid.NewString()
	r := &run{
		task:     task,
		eng:      eng,
		opts:     opts,
		runID:    opts.RunID,
		uid:      uid,
		secrets:  map[string]string{},
		networks: map[string]string{},
		steps:    task.Steps,
		byID:     map[string]*graph.Step{},
		results:  map[string]*StepResult{},
		warned:   map[string]bool{},
	}
	r.short = shortID(r.runID)
	r.owner = invocationOwner(uid)
	r.vol = "acb_vol_" + uid
	r.home = "acb_home_" + uid
	for _, s := range task.Steps {
		r.byID[s.ID] = s
		r.results[s.ID] = &StepResult{ID: s.ID, Type: s.Type, Status: StepSkipped, ExitCode: -1}
	}
	r.deps = make(map[string][]string, len(task.Steps))
	for _, s := range task.Steps {
		r.deps[s.ID] = dag.Deps(s.ID)
	}
	if err := r.applySelection(dag); err != nil {
		return nil, err
	}
	r.fromHost = readsHostWorkspace(r.steps, opts.Source)
	if opts.Workspace != "" {
		if !filepath.IsAbs(opts.Workspace) {
			return nil, inputErr("workspace %q: want an absolute path", opts.Workspace)
		}
		r.workspace = filepath.Clean(opts.Workspace)
		r.fromHost = true
	}
	for _, v := range task.Volumes {
		r.secrets[v.Name] = "acb_secret_" + v.Name + "_" + uid
	}
	for _, n := range task.Networks {
		name := n.Name
		if opts.UniqueNames && !n.SkipCreation {
			name += "_" + r.short
		}
		r.networks[n.Name] = name
	}
	r.unusedNetworks = !r.needsNetworks()
	r.c = newConsole(opts.Output, r.prefixOutput())
	r.maskVolumeSecrets()
	return r, nil
}

// shortID reduces a run id to what goes into unique names: the id itself
// when it is at most 8 lower-case letters and digits, otherwise the first
// 8 hex digits of its SHA-256 (long ids often share a prefix).
func shortID(id string) string {
	ok := id != "" && len(id) <= 8
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			ok = false
		}
	}
	if ok {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:4])
}

// prefixOutput decides whether text output lines get "<step> | ".
func (r *run) prefixOutput() bool {
	switch r.opts.Prefix {
	case PrefixAlways:
		return true
	case PrefixNever:
		return false
	}
	if r.opts.Parallelism == 1 {
		return false
	}
	return mayOverlap(r.steps, r.deps)
}

// mayOverlap reports whether two steps of the task can run at once: true
// unless the dependencies form a single chain in file order. A detached
// step counts as running alongside what follows it.
func mayOverlap(steps []*graph.Step, deps map[string][]string) bool {
	for i, s := range steps {
		d := deps[s.ID]
		if i == 0 {
			if len(d) != 0 {
				return true
			}
			continue
		}
		if len(d) != 1 || d[0] != steps[i-1].ID {
			return true
		}
	}
	for _, s := range steps {
		if s.Detach {
			return true
		}
	}
	return false
}

// containerName is the step container's name.
func (r *run) containerName(s *graph.Step) string {
	if r.opts.UniqueNames || !graph.ValidContainerName(s.ID) {
		// An id the engine refuses as a name (one character, say) gets the
		// run suffix too; the id stays the container's network alias.
		return containerSafe(s.ID) + "-" + r.short
	}
	return s.ID
}

// containerSafe replaces characters Docker refuses in container names.
func containerSafe(id string) string {
	b := []byte(id)
	for i, c := range b {
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '_' && c != '.' && c != '-') {
			b[i] = 'x'
		}
	}
	return string(b)
}

// network maps a step's network to the engine's network name.
func (r *run) network(name string) string {
	if n, ok := r.networks[name]; ok {
		return n
	}
	return name
}

// labels are set on everything the run creates.
func (r *run) labels() map[string]string {
	return map[string]string{engine.LabelRun: r.runID, engine.LabelOwner: r.owner}
}

// track records an engine object for clean-up.
func (r *run) trackContainer(name string) {
	r.mu.Lock()
	r.madeContainers = append(r.madeContainers, name)
	r.mu.Unlock()
}

// warnOnce logs a warning once per key.
func (r *run) warnOnce(key, step, format string, a ...any) {
	r.mu.Lock()
	seen := r.warned[key]
	r.warned[key] = true
	r.mu.Unlock()
	if !seen {
		r.c.warnf(step, format, a...)
	}
}

// summary prints acr-builder's per-step lines and runs AfterSuccess.
func (r *run) summary(ctx context.Context) error {
	for _, s := range r.steps {
		res := r.results[s.ID]
		r.c.logf(s.ID, evSummary, "Step ID: %s marked as %s (elapsed time in seconds: %f)", s.ID, res.Status, res.Elapsed.Seconds())
		if s.Type == graph.BuildStep {
			r.populateDigests(ctx, s)
		}
		if r.opts.afterSuccess != nil {
			if err := r.opts.afterSuccess(ctx, s, res); err != nil {
				return fmt.Errorf("step ID: %s: %w", s.ID, err)
			}
		}
	}
	r.depsDone = r.dependencyReport()
	return r.printDependencies(r.depsDone)
}
