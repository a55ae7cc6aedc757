package docker_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/docker"
	"github.com/acb-dev/acb/runner/engine"
)

// fixture is one test's engine, busybox image, run label and name prefix.
type fixture struct {
	t     *testing.T
	e     *docker.Engine
	ctx   context.Context
	img   string
	run   string
	names atomic.Int64
}

// setup returns a parallel test's fixture; at cleanup it removes whatever the
// test left behind, then asserts nothing carrying its run label remains.
func setup(t *testing.T) *fixture {
	t.Helper()
	t.Parallel()
	f := &fixture{t: t, e: testenv.Engine(t), ctx: testenv.Context(t, 2*time.Minute), img: testenv.BusyboxImage(t), run: testenv.RunID(t)}
	t.Cleanup(func() { testenv.AssertNoLeftovers(t, f.run) })
	return f
}

// name returns a fresh object name unique to this test.
func (f *fixture) name(what string) string {
	return fmt.Sprintf("%s-%s%d", f.run, what, f.names.Add(1))
}

// labels returns the run label map.
func (f *fixture) labels() map[string]string {
	return map[string]string{engine.LabelRun: f.run}
}

// spec returns a labelled busybox container spec running cmd.
func (f *fixture) spec(cmd ...string) engine.ContainerSpec {
	return engine.ContainerSpec{Name: f.name("c"), Image: f.img, Cmd: cmd, Labels: f.labels()}
}

// removeLater removes a container at cleanup (before the leftover check).
func (f *fixture) removeLater(name string) {
	f.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = f.e.RemoveContainer(ctx, name)
	})
}

// volume creates a labelled volume removed at cleanup.
func (f *fixture) volume() string {
	f.t.Helper()
	v := f.name("v")
	if err := f.e.CreateVolume(f.ctx, v, f.labels()); err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := f.e.RemoveVolume(ctx, v); err != nil {
			f.t.Errorf("remove volume: %v", err)
		}
	})
	return v
}
