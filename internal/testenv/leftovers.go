package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/acb-dev/acb/runner/docker"
	"github.com/acb-dev/acb/runner/engine"
)

// AssertNoLeftovers fails the test if any container, network or volume
// carries the label dev.acb.run=runLabelValue (engine.LabelRun), listing
// them, and then removes them, so a failing test leaves nothing on the
// shared engine. Call it at the end of a test, after the code under test
// cleaned up (or register it with t.Cleanup before anything can fail).
func AssertNoLeftovers(t testing.TB, runLabelValue string) {
	t.Helper()
	e := Engine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	objs, err := e.ListLabeled(ctx, engine.LabelRun, runLabelValue)
	if err != nil {
		t.Fatalf("testenv: listing objects labelled %s=%s: %v", engine.LabelRun, runLabelValue, err)
	}
	if !objs.Empty() {
		t.Errorf("testenv: leftovers labelled %s=%s: containers %q, networks %q, volumes %q",
			engine.LabelRun, runLabelValue, objs.Containers, objs.Networks, objs.Volumes)
		removeObjects(ctx, e, objs) // best effort: the failure is reported already
	}
}

// RemoveLeftovers removes every container, network and volume labelled
// dev.acb.run=runLabelValue, for tests whose run leaves objects behind on
// purpose (an engine that froze), without failing the test.
func RemoveLeftovers(t testing.TB, runLabelValue string) {
	t.Helper()
	e := Engine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	objs, err := e.ListLabeled(ctx, engine.LabelRun, runLabelValue)
	if err != nil {
		t.Errorf("testenv: listing objects labelled %s=%s: %v", engine.LabelRun, runLabelValue, err)
		return
	}
	removeObjects(ctx, e, objs)
}

func removeObjects(ctx context.Context, e *docker.Engine, objs docker.Objects) {
	for _, c := range objs.Containers {
		_ = e.RemoveContainer(ctx, c)
	}
	for _, n := range objs.Networks {
		_ = e.RemoveNetwork(ctx, n)
	}
	for _, v := range objs.Volumes {
		_ = e.RemoveVolume(ctx, v)
	}
}
