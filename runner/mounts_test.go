package runner

import (
	"testing"

	"github.com/acb-dev/acb/runner/engine"
)

func TestAddMount(t *testing.T) {
	base := []engine.Mount{
		{Type: "volume", Source: "acb_vol_x", Target: "/workspace"},
		{Type: "bind", Source: DockerSocket, Target: DockerSocket},
	}
	got, err := addMount(base, engine.Mount{Type: "bind", Source: DockerSocket, Target: DockerSocket + "/"})
	if err != nil || len(got) != 2 {
		t.Errorf("the socket mounted again: %v, %d mounts, want it kept once", err, len(got))
	}
	if _, err := addMount(base, engine.Mount{Type: "bind", Source: "/tmp", Target: "/workspace"}); err == nil {
		t.Error("another source over /workspace was accepted")
	}
	got, err = addMount(base, engine.Mount{Type: "bind", Source: "/tmp", Target: "/data"})
	if err != nil || len(got) != 3 || got[2].Target != "/data" {
		t.Errorf("a new mount: %v, %v", err, got)
	}
}

// A cmd's usual -v /var/run/docker.sock:/var/run/docker.sock asks for the
// engine's socket: with a run on another engine (its socket elsewhere) it
// keeps the run's socket instead of failing or mounting another engine's.
func TestAddMountDockerSocketOfAnotherEngine(t *testing.T) {
	base := []engine.Mount{{Type: "bind", Source: "/run/user/1000/docker.sock", Target: DockerSocket}}
	got, err := addMount(base, engine.Mount{Type: "bind", Source: DockerSocket, Target: DockerSocket})
	if err != nil || len(got) != 1 || got[0].Source != "/run/user/1000/docker.sock" {
		t.Errorf("got %v, %v; want the run's socket kept, once", got, err)
	}
	if _, err := addMount(base, engine.Mount{Type: "bind", Source: "/tmp/other.sock", Target: DockerSocket}); err == nil {
		t.Error("another socket over the run's was accepted")
	}
}
