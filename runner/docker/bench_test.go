package docker_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/engine"
)

// BenchmarkRunContainer measures acb's per-step engine cost: RunContainer
// (create, attach, wait, start) plus RemoveContainer of `busybox true`, with
// output attached. Compare with BenchmarkRawEngineLoop; the goal is a ratio
// of at most 1.10.
func BenchmarkRunContainer(b *testing.B) {
	e := testenv.Engine(b)
	img := testenv.BusyboxImage(b)
	run := testenv.RunID(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		name := fmt.Sprintf("%s-%d", run, i)
		code, err := e.RunContainer(ctx, engine.ContainerSpec{
			Name: name, Image: img, Cmd: []string{"true"},
			Labels: map[string]string{engine.LabelRun: run},
		}, engine.Streams{Stdout: io.Discard, Stderr: io.Discard})
		if err != nil || code != 0 {
			b.Fatalf("run: %d %v", code, err)
		}
		if err := e.RemoveContainer(ctx, name); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	testenv.AssertNoLeftovers(b, run)
}

// BenchmarkRawEngineLoop is the baseline: the moby client used directly,
// create, start, wait (not-running), remove, as in the performance anchors'
// runner C.
func BenchmarkRawEngineLoop(b *testing.B) {
	img := testenv.BusyboxImage(b)
	run := testenv.RunID(b)
	cli, err := client.New(client.FromEnv)
	if err != nil {
		b.Fatal(err)
	}
	defer cli.Close()
	ctx := context.Background()
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name: fmt.Sprintf("%s-%d", run, i),
			Config: &container.Config{
				Image: img, Cmd: []string{"true"},
				Labels: map[string]string{engine.LabelRun: run},
			},
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
			b.Fatal(err)
		}
		w := cli.ContainerWait(ctx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
		select {
		case res := <-w.Result:
			if res.StatusCode != 0 {
				b.Fatalf("exit %d", res.StatusCode)
			}
		case err := <-w.Error:
			b.Fatal(err)
		}
		if _, err := cli.ContainerRemove(ctx, created.ID, client.ContainerRemoveOptions{Force: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	testenv.AssertNoLeftovers(b, run)
}
