package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/acb-dev/acb/runner/engine"
)

// AssertNoLeftovers fails the test if any container, network or volume
// carries the label dev.acb.run=runLabelValue (engine.LabelRun), listing
// them. Call it at the end of a test, after the code under test cleaned up.
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
	}
}
