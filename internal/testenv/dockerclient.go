package testenv

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/acb-dev/acb/runner/engine"
)

// dockerClientSource is a tiny Docker client for step containers: it asks
// the engine behind /var/run/docker.sock for /info and /images/json and
// prints "root=<DockerRootDir>" and one "image=<tag>" line per tag, so a
// test sees which engine a step's socket reaches. Standard library only,
// built static.
const dockerClientSource = `package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", "/var/run/docker.sock")
	}}}
	var info struct{ DockerRootDir string }
	get(c, "/info", &info)
	fmt.Printf("root=%s\n", info.DockerRootDir)
	var images []struct{ RepoTags []string }
	get(c, "/images/json", &images)
	for _, im := range images {
		for _, t := range im.RepoTags {
			fmt.Printf("image=%s\n", t)
		}
	}
}

func get(c *http.Client, path string, v any) {
	resp, err := c.Get("http://docker" + path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		fmt.Fprintln(os.Stderr, path, err)
		os.Exit(4)
	}
}
`

// BuildDockerClientImage builds tag on e: FROM scratch with a static Go
// Docker client as its entrypoint (see dockerClientSource) and
// /engine-marker holding marker. A cmd step running it prints the
// DockerRootDir and image tags of the engine whose socket the step has.
func BuildDockerClientImage(ctx context.Context, e engine.Engine, tag, marker string) error {
	dir, err := os.MkdirTemp("", "acb-dockerclient-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(dockerClientSource), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module dockerclient\n\ngo 1.22\n"), 0o644); err != nil {
		return err
	}
	bin := filepath.Join(dir, "dockerclient")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build of the test Docker client: %w\n%s", err, out)
	}
	body, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []struct {
		name string
		mode int64
		body []byte
	}{
		{"Dockerfile", 0o644, []byte("FROM scratch\nCOPY dockerclient engine-marker /\nENTRYPOINT [\"/dockerclient\"]\n")},
		{"dockerclient", 0o755, body},
		{"engine-marker", 0o644, []byte(marker)},
	} {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.name, Mode: f.mode, Size: int64(len(f.body)), ModTime: mtime}); err != nil {
			return err
		}
		if _, err := tw.Write(f.body); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	var out bytes.Buffer
	if _, err := e.Build(ctx, engine.BuildSpec{Context: &buf, Tags: []string{tag}, Labels: map[string]string{"dev.acb.test": "dockerclient"}}, &out); err != nil {
		return fmt.Errorf("building %s: %w\n%s", tag, err, out.String())
	}
	return nil
}
