// Package testenv holds the helpers acb's tests use to reach real
// infrastructure: the Docker engine, a FROM-scratch busybox image built
// locally, an in-process registry, a CNCF distribution registry, and a
// leftover check. Tests that need the engine FAIL (never skip) when it does
// not answer: CI always has one.
package testenv

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/acb-dev/acb/runner/docker"
)

// Engine connects to the Docker engine from the environment (DOCKER_HOST or
// /var/run/docker.sock) and closes the connection when the test ends. It
// fails the test with a clear message when no engine answers.
func Engine(t testing.TB) *docker.Engine {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e, err := docker.New(ctx)
	if err != nil {
		t.Fatalf("testenv: these tests need a Docker engine and none answered: %v\n"+
			"(start one with scripts/ensure-docker.sh, or point DOCKER_HOST at one)", err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// RequireEngine fails the test unless a Docker engine answers. It is
// Engine without the result, for tests that use the engine indirectly.
func RequireEngine(t testing.TB) {
	t.Helper()
	Engine(t)
}

// Context returns a context cancelled when the test ends, or after d if d is
// positive.
func Context(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if d > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), d)
	}
	t.Cleanup(cancel)
	return ctx
}

// RunID returns a label value unique to this test run and process, for
// engine.LabelRun, so that AssertNoLeftovers sees only this test's objects.
func RunID(t testing.TB) string {
	t.Helper()
	return "acbtest-" + sanitize(t.Name()) + "-" + time.Now().Format("150405.000000") + "-" + strconv.Itoa(os.Getpid())
}
