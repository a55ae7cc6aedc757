package bench

import (
	"context"
	"fmt"
	"slices"
)

// stepsN is the number of sequential trivial containers of the per-step
// workload.
const stepsN = 20

// steps measures per-step overhead: a task of 20 sequential `true` steps run
// by acb, against the same 20 containers run by `docker run --rm` in a shell
// loop and by the Engine API loop, on the default bridge and in acb's
// layout.
func (h *Harness) steps(ctx context.Context) error {
	const w = "20 sequential steps"
	task, err := h.writeTask("steps.yaml", cmdTask(stepsN, "true", false))
	if err != nil {
		return err
	}
	loop := NewAPILoop(h.cli, h.labels())
	phases := &Phases{}
	layoutLoop := NewAPILoop(h.cli, h.labels())
	layoutLoop.Phases = phases
	script := fmt.Sprintf("for i in $(seq %d); do docker run --rm --label %s=%s %s true || exit 1; done", stepsN, LabelKey, h.id, BusyboxTag)
	res, err := h.measure(ctx, w, h.cfg.Reps, h.withBaseline([]Variant{
		{Name: vACB, NeedsRun: true, Do: process(func() Cmd { return h.acbRun(task, "/dev/null") })},
		{Name: vCLI, Do: process(func() Cmd { return Cmd{Path: "bash", Args: []string{"-c", script}} })},
		{Name: vAPI, Do: timed(func(ctx context.Context) error {
			return loop.Run(ctx, BusyboxTag, []string{"true"}, stepsN, false, Layout{})
		})},
		{Name: vAPILayout, Do: timed(func(ctx context.Context) error {
			return layoutLoop.Run(ctx, BusyboxTag, []string{"true"}, stepsN, false, h.acbLayout())
		})},
		{Name: vAPIAhead, Do: timed(func(ctx context.Context) error {
			return loop.RunAhead(ctx, BusyboxTag, []string{"true"}, stepsN, h.acbLayout())
		})},
		{Name: vAPIGated, Do: timed(func(ctx context.Context) error {
			return loop.RunGated(ctx, BusyboxTag, []string{"true"}, stepsN, h.acbLayout())
		})},
	}, task, "/dev/null"))
	h.keepRSS(w, res[vACB])
	if err != nil {
		return err
	}
	perStep := func(v string) string {
		if s, ok := res[v]; ok && len(s.Times) > 0 {
			return FormatDuration(s.Summary().Median / stepsN)
		}
		return "–"
	}
	floor := ""
	if s, ok := res[vAPILayout]; ok && len(s.Times) > 0 {
		floor = fmt.Sprintf("The engine's own floor for acb's layout (a user-defined network and two volumes per run, which ACR's model needs) is %s per run, %s per container against %s on the default bridge; acb is %.2f × that floor.",
			FormatDuration(s.Summary().Median), perStep(vAPILayout), perStep(vAPI), Ratio(res[vACB].Summary(), s.Summary()))
	}
	h.addGoalRow(w, vACB, "", res, vAPI, 1.10, false, floor)
	h.addGoalRow(w, vACB, vACB+" (vs docker CLI)", res, vCLI, 1.00, true, "The same floor applies: the docker CLI loop runs on the default bridge with no volumes.")
	ahead := ""
	if s, ok := res[vAPIAhead]; ok && len(s.Times) > 0 {
		ahead = fmt.Sprintf("The engine's own pipelined loop (the next container created while one runs, removals in the background: all a chain of dependent steps allows, since a step may start only once its dependency's exit code is known) is %.2f × the one-at-a-time loop; per container in acb's layout the engine spends %s, and only the create and the remove can leave the critical path.",
			Ratio(s.Summary(), res[vAPILayout].Summary()), phases)
		if g, ok := res[vAPIGated]; ok && len(g.Times) > 0 {
			ahead += fmt.Sprintf(" Starting each container ahead as well, held by a stdin gate until its predecessor exited (which changes what a step sees: PID 1 is a gate until released, stdin is open, the container joins the network early), gives %.2f × the loop: the start is the cost that only a start ahead could hide.",
				Ratio(g.Summary(), res[vAPILayout].Summary()))
		}
	}
	h.addGoalRow(w, vACB, vACB+" (vs API loop, acb's layout)", res, vAPILayout, 0.90, false, ahead)
	h.addRow(w, vBaseline, res, vAPILayout)
	h.addRow(w, vCLI, res, vAPI)
	h.addRow(w, vAPI, res, "")
	h.addRow(w, vAPILayout, res, vAPI)
	h.addRow(w, vAPIAhead, res, vAPILayout)
	h.addRow(w, vAPIGated, res, vAPILayout)
	h.rep.Notes = append(h.rep.Notes, fmt.Sprintf("Per container (median ÷ %d): acb %s, docker CLI %s, API loop %s, API loop in acb's layout %s, the same created ahead %s. The API loop's calls in acb's layout: %s.",
		stepsN, perStep(vACB), perStep(vCLI), perStep(vAPI), perStep(vAPILayout), perStep(vAPIAhead), phases))
	return nil
}

// keepRSS remembers acb's peak RSS samples of a workload for the memory
// rows.
func (h *Harness) keepRSS(workload string, s *Samples) {
	if s == nil || len(s.RSS) == 0 {
		return
	}
	h.rss = append(h.rss, rssSamples{workload: workload, rss: s.RSS})
}

type rssSamples struct {
	workload string
	rss      []int64
}

// memoryRows adds acb's peak RSS rows; the build's has the 100 MiB goal.
func (h *Harness) memoryRows() {
	for _, s := range h.rss {
		r := MemRow("peak RSS of acb", s.workload, s.rss)
		if s.workload == buildWorkload {
			var hi int64
			for _, v := range s.rss {
				hi = max(hi, v)
			}
			met := hi < 100<<20
			r = r.WithGoal("< 100 MiB (max)", met)
			if !met {
				h.rep.Findings = append(h.rep.Findings, fmt.Sprintf("**Missed: acb's peak RSS in the build is %s (goal < 100 MiB).** The context is not streamed.", FormatBytes(hi)))
			}
		} else if hi := slices.Max(s.rss); hi >= 100<<20 {
			h.rep.Findings = append(h.rep.Findings, fmt.Sprintf("**acb's peak RSS in %q is %s**, against about %s in the other workloads (no goal is set for it, but the build's is < 100 MiB).",
				s.workload, FormatBytes(hi), FormatBytes(h.rss[0].rss[0])))
		}
		h.rep.Rows = append(h.rep.Rows, r)
	}
}
