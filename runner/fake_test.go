package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/acb-dev/acb/runner/engine"
)

// fakeEngine runs "containers" in-process for scheduling tests. The
// container's Cmd is a tiny script: "sleep <dur>", "exit <code>",
// "echo <words>", "env" (prints Env), "flaky <n>" (fails the first n runs
// of that name).
type fakeEngine struct {
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
	gateway  string // NetworkGateway's answer; empty fails
}

func newFake() *fakeEngine {
	return &fakeEngine{runs: map[string]int{}, starts: map[string][]time.Time{}, ends: map[string][]time.Time{},
		volumes: map[string]bool{}, networks: map[string]bool{}}
}

func (f *fakeEngine) CreateVolume(_ context.Context, name string, _ map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.volumes[name] = true
	f.madeVols = append(f.madeVols, name)
	return nil
}
func (f *fakeEngine) RemoveVolume(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.volumes, name)
	return nil
}
func (f *fakeEngine) CopyToVolume(_ context.Context, _ string, r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}
func (f *fakeEngine) CopyFromVolume(context.Context, string, string) (io.ReadCloser, error) {
	return nil, engine.ErrNotFound
}
func (f *fakeEngine) CreateNetwork(_ context.Context, spec engine.NetworkSpec) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.networks[spec.Name] = true
	return nil
}
func (f *fakeEngine) RemoveNetwork(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.networks, name)
	return nil
}
func (f *fakeEngine) NetworkExists(_ context.Context, name string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.networks[name], nil
}
func (f *fakeEngine) NetworkGateway(context.Context, string) (string, error) {
	if f.gateway == "" {
		return "", errors.New("no IPv4 gateway")
	}
	return f.gateway, nil
}

func (f *fakeEngine) RunContainer(ctx context.Context, spec engine.ContainerSpec, out engine.Streams) (int, error) {
	if id := spec.Labels["dev.acb.step"]; id != "" {
		// Record by step id: one-letter ids get a suffixed container name.
		spec.Name = id
	}
	f.mu.Lock()
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
	case "sleep":
		d, _ := time.ParseDuration(arg)
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
func (f *fakeEngine) StartContainer(_ context.Context, spec engine.ContainerSpec) (string, error) {
	return "id-" + spec.Name, nil
}
func (f *fakeEngine) RemoveContainer(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removed = append(f.removed, name)
	return nil
}
func (f *fakeEngine) Build(context.Context, engine.BuildSpec, io.Writer) (string, error) {
	return "sha256:fake", nil
}
func (f *fakeEngine) Pull(context.Context, string, *engine.RegistryAuth, io.Writer) error { return nil }
func (f *fakeEngine) Push(_ context.Context, ref string, _ *engine.RegistryAuth, _ io.Writer) (string, error) {
	return "sha256:" + strings.Repeat("a", 64), nil
}
func (f *fakeEngine) InspectImage(context.Context, string) (engine.ImageInfo, error) {
	return engine.ImageInfo{ID: "sha256:img"}, nil
}
func (f *fakeEngine) Login(context.Context, engine.RegistryAuth) error { return nil }

func (f *fakeEngine) runCount(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runs[name]
}
