// Package fakeengine is a behavioural in-memory engine.Engine for the tests
// of every package (the executor's scheduler, the CLI): volumes and networks
// exist between create and remove, containers run a tiny script in-process.
// conformance_test.go runs the same cases against it and the real Docker
// engine, so the fake cannot drift from what the adapter does.
package fakeengine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/acb-dev/acb/runner/engine"
)

// Engine runs "containers" in-process. A container's Cmd is a tiny script
// in busybox's words where they exist: "true", "false", "echo <words>",
// "env" (prints Env), "sleep <duration>" (Go or seconds), and the fake's
// own "exit <code>" and "flaky <n>" (fails the first n runs of that name).
// It records, by step id (label dev.acb.step) or name, how often and when
// each container ran, and the most that ran at once. It is safe for
// concurrent use.
type Engine struct {
	mu       sync.Mutex
	running  int
	maxRun   int
	runs     map[string]int
	starts   map[string][]time.Time
	ends     map[string][]time.Time
	removed  []string
	volumes  map[string]bool
	madeVols []string // every volume created, in order
	networks map[string]bool
	madeNets []string        // every network created, in order
	made     map[string]bool // containers created and not removed, by name
	gateway  string          // NetworkGateway's answer; empty fails
}

var _ engine.Engine = (*Engine)(nil)

// New returns an engine with nothing in it.
func New() *Engine {
	return &Engine{runs: map[string]int{}, starts: map[string][]time.Time{}, ends: map[string][]time.Time{},
		volumes: map[string]bool{}, networks: map[string]bool{}, made: map[string]bool{}}
}

// SetGateway sets what NetworkGateway answers; empty (the default) makes it
// fail as for a network without IPv4.
func (f *Engine) SetGateway(gw string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gateway = gw
}

// Runs returns how many times the container (or step) name ran.
func (f *Engine) Runs(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runs[name]
}

// MaxRunning returns the most containers that ran at once.
func (f *Engine) MaxRunning() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxRun
}

// Starts returns when each run of name started.
func (f *Engine) Starts(name string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.starts[name]...)
}

// Ends returns when each run of name ended.
func (f *Engine) Ends(name string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.ends[name]...)
}

// Removed returns the containers removed, in order.
func (f *Engine) Removed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.removed...)
}

// Volumes returns the volumes that exist, sorted.
func (f *Engine) Volumes() []string { return f.keys(f.volumes) }

// Networks returns the networks that exist, sorted.
func (f *Engine) Networks() []string { return f.keys(f.networks) }

// CreatedVolumes returns every volume ever created, in order.
func (f *Engine) CreatedVolumes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.madeVols...)
}

// CreatedNetworks returns every network ever created, in order.
func (f *Engine) CreatedNetworks() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.madeNets...)
}

func (f *Engine) keys(m map[string]bool) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CreateVolume implements engine.Engine.
func (f *Engine) CreateVolume(_ context.Context, name string, _ map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.volumes[name] = true
	f.madeVols = append(f.madeVols, name)
	return nil
}

// RemoveVolume implements engine.Engine.
func (f *Engine) RemoveVolume(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.volumes, name)
	return nil
}

// CopyToVolume implements engine.Engine; the content is read and dropped.
func (f *Engine) CopyToVolume(_ context.Context, _ string, r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}

// CopyFromVolume implements engine.Engine: nothing is ever found.
func (f *Engine) CopyFromVolume(context.Context, string, string) (io.ReadCloser, error) {
	return nil, engine.ErrNotFound
}

// CreateNetwork implements engine.Engine.
func (f *Engine) CreateNetwork(_ context.Context, spec engine.NetworkSpec) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.networks[spec.Name] = true
	f.madeNets = append(f.madeNets, spec.Name)
	return nil
}

// RemoveNetwork implements engine.Engine.
func (f *Engine) RemoveNetwork(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.networks, name)
	return nil
}

// NetworkExists implements engine.Engine.
func (f *Engine) NetworkExists(_ context.Context, name string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.networks[name], nil
}

// NetworkGateway implements engine.Engine (see SetGateway).
func (f *Engine) NetworkGateway(context.Context, string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gateway == "" {
		return "", errors.New("no IPv4 gateway")
	}
	return f.gateway, nil
}

// RunContainer implements engine.Engine by running the Cmd script.
func (f *Engine) RunContainer(ctx context.Context, spec engine.ContainerSpec, out engine.Streams) (int, error) {
	f.mu.Lock()
	f.made[spec.Name] = true
	if id := spec.Labels[engine.LabelStep]; id != "" {
		// Record by step id: one-letter ids get a suffixed container name.
		spec.Name = id
	}
	f.running++
	if f.running > f.maxRun {
		f.maxRun = f.running
	}
	f.runs[spec.Name]++
	n := f.runs[spec.Name]
	f.starts[spec.Name] = append(f.starts[spec.Name], time.Now())
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running--
		f.ends[spec.Name] = append(f.ends[spec.Name], time.Now())
		f.mu.Unlock()
	}()
	if len(spec.Cmd) == 0 {
		return 0, nil
	}
	arg := strings.Join(spec.Cmd[1:], " ")
	switch spec.Cmd[0] {
	case "true":
	case "false":
		return 1, nil
	case "sleep":
		d, err := time.ParseDuration(arg)
		if err != nil {
			secs, _ := strconv.ParseFloat(arg, 64)
			d = time.Duration(secs * float64(time.Second))
		}
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return 137, fmt.Errorf("stopped: %w", ctx.Err())
		}
	case "exit":
		code, _ := strconv.Atoi(arg)
		return code, nil
	case "echo":
		fmt.Fprintln(out.Stdout, arg)
	case "env":
		for _, e := range spec.Env {
			fmt.Fprintln(out.Stdout, e)
		}
	case "flaky":
		k, _ := strconv.Atoi(arg)
		if n <= k {
			fmt.Fprintln(out.Stdout, "transient failure")
			return 1, nil
		}
	}
	return 0, nil
}

// StartContainer implements engine.Engine: the container "runs" detached.
func (f *Engine) StartContainer(_ context.Context, spec engine.ContainerSpec) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.made[spec.Name] = true
	f.made["id-"+spec.Name] = true
	return "id-" + spec.Name, nil
}

// RemoveContainer implements engine.Engine: as the Docker engine, a
// container that does not exist is an error wrapping engine.ErrNotFound.
// Removed records every attempt.
func (f *Engine) RemoveContainer(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removed = append(f.removed, name)
	if !f.made[name] {
		return fmt.Errorf("remove container %s: %w", name, engine.ErrNotFound)
	}
	delete(f.made, name)
	if strings.HasPrefix(name, "id-") {
		delete(f.made, strings.TrimPrefix(name, "id-"))
	} else {
		delete(f.made, "id-"+name)
	}
	return nil
}

// Build implements engine.Engine.
func (f *Engine) Build(context.Context, engine.BuildSpec, io.Writer) (string, error) {
	return "sha256:fake", nil
}

// Pull implements engine.Engine.
func (f *Engine) Pull(context.Context, string, *engine.RegistryAuth, io.Writer) error { return nil }

// Push implements engine.Engine.
func (f *Engine) Push(_ context.Context, ref string, _ *engine.RegistryAuth, _ io.Writer) (string, error) {
	return "sha256:" + strings.Repeat("a", 64), nil
}

// InspectImage implements engine.Engine: every image is there.
func (f *Engine) InspectImage(context.Context, string) (engine.ImageInfo, error) {
	return engine.ImageInfo{ID: "sha256:img"}, nil
}

// Login implements engine.Engine: every login succeeds.
func (f *Engine) Login(context.Context, engine.RegistryAuth) error { return nil }
