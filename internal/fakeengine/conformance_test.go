package fakeengine

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/engine"
)

// conformanceCase is one behaviour every engine.Engine must have, checked
// on the fake and on the real Docker engine through its adapter.
type conformanceCase struct {
	name string
	run  func(t *testing.T, ctx context.Context, e engine.Engine, c *caseEnv)
}

// caseEnv gives a case unique names, the run label and an image the engine
// can run.
type caseEnv struct {
	id    string
	image string
}

func (c *caseEnv) name(s string) string { return "acbconf-" + s + "-" + c.id }

func (c *caseEnv) labels() map[string]string { return map[string]string{engine.LabelRun: c.id} }

var conformance = []conformanceCase{
	{"volume create and remove", func(t *testing.T, ctx context.Context, e engine.Engine, c *caseEnv) {
		v := c.name("vol")
		if err := e.CreateVolume(ctx, v, c.labels()); err != nil {
			t.Fatalf("CreateVolume: %v", err)
		}
		if err := e.CopyToVolume(ctx, v, bytes.NewReader(emptyTar)); err != nil {
			t.Errorf("CopyToVolume of an empty tar: %v", err)
		}
		if err := e.RemoveVolume(ctx, v); err != nil {
			t.Errorf("RemoveVolume: %v", err)
		}
	}},
	{"network exists between create and remove", func(t *testing.T, ctx context.Context, e engine.Engine, c *caseEnv) {
		n := c.name("net")
		if ok, err := e.NetworkExists(ctx, n); err != nil || ok {
			t.Fatalf("NetworkExists before create = %v, %v", ok, err)
		}
		if err := e.CreateNetwork(ctx, engine.NetworkSpec{Name: n, Driver: "bridge", Labels: c.labels()}); err != nil {
			t.Fatalf("CreateNetwork: %v", err)
		}
		if ok, err := e.NetworkExists(ctx, n); err != nil || !ok {
			t.Errorf("NetworkExists after create = %v, %v", ok, err)
		}
		if err := e.RemoveNetwork(ctx, n); err != nil {
			t.Errorf("RemoveNetwork: %v", err)
		}
		if ok, err := e.NetworkExists(ctx, n); err != nil || ok {
			t.Errorf("NetworkExists after remove = %v, %v", ok, err)
		}
	}},
	{"echo prints its words on stdout and exits 0", func(t *testing.T, ctx context.Context, e engine.Engine, c *caseEnv) {
		var out, errOut bytes.Buffer
		code, err := runRemoved(ctx, t, e, c, "echo", []string{"echo", "hello", "world"}, nil, &out, &errOut)
		if err != nil || code != 0 || out.String() != "hello world\n" || errOut.Len() != 0 {
			t.Errorf("echo: exit %d, %v, stdout %q, stderr %q", code, err, out.String(), errOut.String())
		}
	}},
	{"a failing command is an exit code, not an error", func(t *testing.T, ctx context.Context, e engine.Engine, c *caseEnv) {
		code, err := runRemoved(ctx, t, e, c, "false", []string{"false"}, nil, nil, nil)
		if err != nil || code != 1 {
			t.Errorf("false: exit %d, %v; want 1, nil", code, err)
		}
	}},
	{"env sees the spec's environment", func(t *testing.T, ctx context.Context, e engine.Engine, c *caseEnv) {
		var out bytes.Buffer
		code, err := runRemoved(ctx, t, e, c, "env", []string{"env"}, []string{"ACB_CONF=1"}, &out, nil)
		if err != nil || code != 0 || !strings.Contains(out.String(), "ACB_CONF=1\n") {
			t.Errorf("env: exit %d, %v, stdout %q", code, err, out.String())
		}
	}},
	{"cancelling the context stops a running container", func(t *testing.T, ctx context.Context, e engine.Engine, c *caseEnv) {
		rctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(500*time.Millisecond, cancel)
		start := time.Now()
		_, err := runRemoved(rctx, t, e, c, "sleep", []string{"sleep", "30"}, nil, nil, nil)
		if err == nil || !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled sleep: err %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("cancelled sleep returned after %v", d)
		}
	}},
	{"removing a container that does not exist is engine.ErrNotFound", func(t *testing.T, ctx context.Context, e engine.Engine, c *caseEnv) {
		if err := e.RemoveContainer(ctx, c.name("never")); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("RemoveContainer: %v, want engine.ErrNotFound", err)
		}
	}},
	{"a container is removed once", func(t *testing.T, ctx context.Context, e engine.Engine, c *caseEnv) {
		name := c.name("once")
		if _, err := e.RunContainer(ctx, engine.ContainerSpec{Name: name, Image: c.image, Cmd: []string{"true"}, Labels: c.labels()}, engine.Streams{}); err != nil {
			t.Fatal(err)
		}
		if err := e.RemoveContainer(ctx, name); err != nil {
			t.Errorf("first RemoveContainer: %v", err)
		}
		if err := e.RemoveContainer(ctx, name); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("second RemoveContainer: %v, want engine.ErrNotFound", err)
		}
	}},
}

// emptyTar is a tar stream with no entry.
var emptyTar = make([]byte, 1024)

// runRemoved runs cmd in a container named after what and removes it.
func runRemoved(ctx context.Context, t *testing.T, e engine.Engine, c *caseEnv, what string, cmd, env []string, stdout, stderr *bytes.Buffer) (int, error) {
	t.Helper()
	name := c.name(what)
	t.Cleanup(func() { _ = e.RemoveContainer(context.Background(), name) })
	var out engine.Streams
	if stdout != nil {
		out.Stdout = stdout
	}
	if stderr != nil {
		out.Stderr = stderr
	}
	return e.RunContainer(ctx, engine.ContainerSpec{Name: name, Image: c.image, Cmd: cmd, Env: env, Labels: c.labels()}, out)
}

// TestConformance runs every case against the fake and the real engine.
func TestConformance(t *testing.T) {
	for _, impl := range []string{"fake", "docker"} {
		t.Run(impl, func(t *testing.T) {
			c := &caseEnv{id: strings.ToLower(strings.ReplaceAll(testenv.RunID(t), ".", "-"))}
			var e engine.Engine
			if impl == "fake" {
				e, c.image = New(), "fake"
			} else {
				e, c.image = testenv.Engine(t), testenv.BusyboxImage(t)
				t.Cleanup(func() { testenv.AssertNoLeftovers(t, c.id) })
			}
			ctx := testenv.Context(t, 2*time.Minute)
			for _, tc := range conformance {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, ctx, e, c) })
			}
		})
	}
}
