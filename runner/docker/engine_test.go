package docker_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/docker"
)

func TestNewUnreachable(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := docker.New(ctx)
	if err == nil {
		e.Close()
		t.Fatal("New succeeded without an engine")
	}
	if !strings.Contains(err.Error(), "cannot reach the Docker engine at unix:///nonexistent/docker.sock") {
		t.Errorf("error %q", err)
	}
}

func TestNewNegotiates(t *testing.T) {
	e := testenv.Engine(t)
	if v := e.APIVersion(); v == "" || !strings.HasPrefix(v, "1.") {
		t.Errorf("APIVersion %q", v)
	}
	if e.Host() == "" {
		t.Error("empty Host")
	}
}

func TestServerInfo(t *testing.T) {
	e := testenv.Engine(t)
	info, err := e.ServerInfo(testenv.Context(t, 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if info.Version == "" || info.APIVersion != e.APIVersion() || info.OS != "linux" || info.Podman {
		t.Errorf("ServerInfo of the test engine (a Docker engine): %+v", info)
	}
	if s := info.String(); !strings.HasPrefix(s, "Docker Engine ") || !strings.Contains(s, info.Version) {
		t.Errorf("String() = %q", s)
	}
}
