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
