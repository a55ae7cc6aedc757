package bench

import (
	"context"
	"fmt"
	"time"
)

// parallelN is the number of independent steps of the parallel workload.
const parallelN = 8

// parallelStagger spaces the starts of the staggered API variant: about
// a third of one container's start on this engine, so starts overlap but
// do not all arrive at once.
const parallelStagger = 60 * time.Millisecond

// parallel measures 8 independent `sleep 2` steps against one, for acb and
// for the Engine API (goroutines, acb's layout) as the engine's bound.
func (h *Harness) parallel(ctx context.Context) error {
	const w = "parallel sleep 2"
	many, err := h.writeTask("parallel8.yaml", cmdTask(parallelN, "sleep 2", true))
	if err != nil {
		return err
	}
	one, err := h.writeTask("parallel1.yaml", cmdTask(1, "sleep 2", true))
	if err != nil {
		return err
	}
	loop := NewAPILoop(h.cli, h.labels())
	vACB8, vACB1 := fmt.Sprintf("acb run, %d steps", parallelN), "acb run, 1 step"
	vAPI8, vAPI1 := fmt.Sprintf("Engine API, %d goroutines (acb's layout)", parallelN), "Engine API, 1 container (acb's layout)"
	apiRun := func(n int) func(context.Context) error {
		return func(ctx context.Context) error {
			return loop.Run(ctx, BusyboxTag, []string{"sleep", "2"}, n, true, h.acbLayout())
		}
	}
	vAPI8Bridge := fmt.Sprintf("Engine API, %d goroutines, default bridge, no volumes", parallelN)
	vAPI8None := fmt.Sprintf("Engine API, %d goroutines, no network (--network none)", parallelN)
	vAPI1None := "Engine API, 1 container, no network (--network none)"
	vPre := fmt.Sprintf("Engine API, %d created first, then started together (acb's layout)", parallelN)
	vStagger := fmt.Sprintf("Engine API, %d created first, starts %s apart (acb's layout)", parallelN, FormatDuration(parallelStagger))
	res, err := h.measure(ctx, w, h.cfg.Reps, []Variant{
		{Name: vACB8, NeedsRun: true, Do: process(func() Cmd { return h.acbRun(many, "/dev/null") })},
		{Name: vACB1, NeedsRun: true, Do: process(func() Cmd { return h.acbRun(one, "/dev/null") })},
		{Name: vAPI8, Do: timed(apiRun(parallelN))},
		{Name: vAPI1, Do: timed(apiRun(1))},
		{Name: vAPI8Bridge, Do: timed(func(ctx context.Context) error {
			return loop.Run(ctx, BusyboxTag, []string{"sleep", "2"}, parallelN, true, Layout{})
		})},
		{Name: vAPI8None, Do: timed(func(ctx context.Context) error {
			return loop.Run(ctx, BusyboxTag, []string{"sleep", "2"}, parallelN, true, Layout{Mode: "none"})
		})},
		{Name: vAPI1None, Do: timed(func(ctx context.Context) error {
			return loop.Run(ctx, BusyboxTag, []string{"sleep", "2"}, 1, true, Layout{Mode: "none"})
		})},
		{Name: vPre, Do: timed(func(ctx context.Context) error {
			return loop.RunPrecreated(ctx, BusyboxTag, []string{"sleep", "2"}, parallelN, 0, h.acbLayout())
		})},
		{Name: vStagger, Do: timed(func(ctx context.Context) error {
			return loop.RunPrecreated(ctx, BusyboxTag, []string{"sleep", "2"}, parallelN, parallelStagger, h.acbLayout())
		})},
	})
	h.keepRSS(w+", 8 steps", res[vACB8])
	if err != nil {
		return err
	}
	why := ""
	if a8, ok := res[vAPI8]; ok {
		why = fmt.Sprintf("The engine's own ratio for the same work (API, 8 goroutines ÷ 1 container) is %.2f: starting 8 containers at once on %d cores is the bound.",
			Ratio(a8.Summary(), res[vAPI1].Summary()), h.rep.Machine.Cores)
	}
	h.addGoalRow(w, vACB8, "", res, vACB1, 1.25, false, why)
	h.addRow(w, vACB1, res, vAPI1)
	h.addRow(w, vAPI8, res, vAPI1)
	h.addRow(w, vAPI1, res, "")
	h.addRow(w, vAPI8Bridge, res, vAPI8)
	h.addRow(w, vAPI8None, res, vAPI1None)
	h.addRow(w, vAPI1None, res, "")
	h.addRow(w, vPre, res, vAPI8)
	h.addRow(w, vStagger, res, vAPI8)
	if _, ok := res[vACB8]; ok {
		r, _, _ := h.row(w, vACB8, res, vAPI8)
		r.Variant += " (vs API)"
		h.rep.Rows = append(h.rep.Rows, r)
	}
	return nil
}
