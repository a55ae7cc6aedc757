package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/internal/version"
)

// TestContainerImage builds the image as `make image` does, checks its
// version, and runs a task from inside it against the engine whose socket
// is mounted, the way CI systems that run everything in containers use it.
func TestContainerImage(t *testing.T) {
	busybox := testenv.BusyboxImage(t)
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Fatalf("make image uses the docker CLI: %v", err)
	}
	const ver, rev = "v0.1.0-test.2", "fedcba9876543210fedcba9876543210fedcba98"
	unique := strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	image := "acbtest/acb-image:" + unique
	t.Cleanup(func() { _ = exec.Command(docker, "image", "rm", "-f", image).Run() })

	build := exec.Command("bash", "scripts/image.sh")
	build.Dir = filepath.Join("..", "..")
	build.Env = append(os.Environ(), "VERSION="+ver, "REVISION="+rev, "IMAGE="+image)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("image.sh: %v\n%s", err, out)
	}

	out, err := exec.Command(docker, "run", "--rm", image, "version", "-o", "json").Output()
	if err != nil {
		t.Fatalf("docker run %s version: %v", image, err)
	}
	var got version.Info
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("version -o json: %v\n%s", err, out)
	}
	if got.Version != ver || got.Revision != rev || got.Platform != "linux/"+runtime.GOARCH {
		t.Errorf("version in the image: %+v", got)
	}
	labels, err := exec.Command(docker, "image", "inspect", "--format", `{{index .Config.Labels "org.opencontainers.image.version"}} {{index .Config.Labels "org.opencontainers.image.revision"}}`, image).Output()
	if err != nil || strings.TrimSpace(string(labels)) != ver+" "+rev {
		t.Errorf("image labels %q: %v", labels, err)
	}

	socket := "/var/run/docker.sock"
	if host := os.Getenv("DOCKER_HOST"); strings.HasPrefix(host, "unix://") {
		socket = strings.TrimPrefix(host, "unix://")
	}
	dir := t.TempDir()
	task := "version: v1.1.0\nsteps:\n  - id: greet\n    cmd: " + busybox + " echo hello from a step of acb in a container\n"
	if err := os.WriteFile(filepath.Join(dir, "acb.yaml"), []byte(task), 0o644); err != nil {
		t.Fatal(err)
	}
	run := exec.Command(docker, "run", "--rm", "-v", socket+":/var/run/docker.sock", "-v", dir+":/src:ro",
		image, "run", "-f", "acb.yaml", "/src", "--unique-names", "--pull", "never", "--id", "img"+unique[:6])
	out, err = run.CombinedOutput()
	if err != nil {
		t.Fatalf("acb run in the image: %v\n%s", err, out)
	}
	for _, want := range []string{"hello from a step of acb in a container", "Step ID: greet marked as successful", "was successful after"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("acb run in the image: output lacks %q:\n%s", want, out)
		}
	}
}
