package testenv

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/runner/engine"
)

// HelperContainers returns the volume-helper containers (any state) whose
// volume's name starts with volumePrefix, as "container=volume" strings,
// and removes them, so a test can assert none leaked without leaving them
// on the shared engine.
func HelperContainers(t testing.TB, volumePrefix string) []string {
	t.Helper()
	cli, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatalf("testenv: docker client: %v", err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", engine.LabelHelperVolume)})
	if err != nil {
		t.Fatalf("testenv: listing helper containers: %v", err)
	}
	var out []string
	for _, c := range list.Items {
		vol := c.Labels[engine.LabelHelperVolume]
		if !strings.HasPrefix(vol, volumePrefix) {
			continue
		}
		out = append(out, c.ID[:12]+"="+vol)
		_, _ = cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true}) // best effort
	}
	return out
}
