package runner

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/output"
)

// TestIntegrationSameIDRunsKeepEachOther: a failing run sweeps only what
// its own invocation created. Another run with the same --id (a CI build
// number given twice) keeps its container.
func TestIntegrationSameIDRunsKeepEachOther(t *testing.T) {
	t.Parallel()
	eng := testenv.Engine(t)
	img := testenv.BusyboxImage(t)
	ctx := testenv.Context(t, 2*time.Minute)
	runID := testenv.RunID(t)
	other := "other-" + shortID(runID)
	t.Cleanup(func() {
		_ = eng.RemoveContainer(context.Background(), other)
		testenv.AssertNoLeftovers(t, runID)
	})
	// The other invocation's step container: same run id, its own instance.
	if _, err := eng.StartContainer(ctx, engine.ContainerSpec{Name: other, Image: img, Cmd: []string{"sleep", "60"},
		Labels: map[string]string{engine.LabelRun: runID, engine.LabelOwner: invocationOwner("another-invocation")}}); err != nil {
		t.Fatal(err)
	}
	task := parseTask(t, "steps:\n  - id: fails\n    cmd: "+img+" false\n")
	var log syncBuf
	_, err := runParsed(ctx, t, task, eng, Options{RunID: runID, UniqueNames: true, Pull: PullNever, Output: output.New(output.Options{Log: &log})})
	if err == nil {
		t.Fatal("the failing run succeeded")
	}
	if ok, _ := eng.ContainerExists(ctx, other); !ok {
		t.Errorf("the failing run removed the other run's container; log:\n%s", log.String())
	}
}

// TestIntegrationCancelledSetupLeavesNothing provokes the race between a
// cancellation and the engine's creates: runs are cancelled at a range of
// moments during their set-up (volume, secret volume, helper containers,
// network, first step), and none may leave a volume, network, container or
// volume helper behind.
func TestIntegrationCancelledSetupLeavesNothing(t *testing.T) {
	t.Parallel()
	eng := testenv.Engine(t)
	img := testenv.BusyboxImage(t)
	volName := fmt.Sprintf("sweep%d", os.Getpid())
	task := parseTask(t, "networks:\n  - name: sweepnet\nvolumes:\n  - name: "+volName+"\n    secret:\n      a: aGVsbG8=\n"+
		"steps:\n  - cmd: "+img+" true\n    volumeMounts:\n      - name: "+volName+"\n        mountPath: /s\n")
	for i, delay := range []time.Duration{0, 2, 5, 10, 20, 35, 50, 80, 120, 200} {
		runID := fmt.Sprintf("%s%d", testenv.RunID(t), i)
		t.Cleanup(func() { testenv.AssertNoLeftovers(t, runID) })
		ctx, cancel := context.WithTimeout(context.Background(), delay*time.Millisecond)
		var log syncBuf
		_, _ = runParsed(ctx, t, task, eng, Options{RunID: runID, UniqueNames: true, Pull: PullNever, Output: output.New(output.Options{Log: &log})})
		cancel()
		testenv.AssertNoLeftovers(t, runID)
		if t.Failed() {
			t.Logf("cancelled after %s; log:\n%s", delay*time.Millisecond, log.String())
		}
	}
	if leaked := testenv.HelperContainers(t, "acb_secret_"+volName+"_"); len(leaked) > 0 {
		t.Errorf("volume helpers left behind: %s", strings.Join(leaked, ", "))
	}
}
