package bench

import (
	"context"
	"fmt"
	"time"
)

// frontEndPattern selects the front-end benchmarks: load (aliases, render,
// parse, validate, DAG) in runner, parse and DAG in graph, expand and render
// in template.
const frontEndPattern = "BenchmarkLoad|BenchmarkParse|BenchmarkNewDAG|BenchmarkExpandRender"

// frontEnd runs the Go benchmarks of the front end and checks that loading
// 1,000 steps takes under 20 ms and that every family grows linearly.
func (h *Harness) frontEnd(ctx context.Context) error {
	bs, err := RunGoBench(ctx, h.cfg.Go, h.cfg.Root, frontEndPattern, "./runner/", "./graph/", "./template/")
	h.rep.FrontEnd = bs
	if err != nil {
		return err
	}
	const limit = 20 * time.Millisecond
	for _, b := range bs {
		if b.Name != "BenchmarkLoad" || (b.Steps != 1000 && b.Steps != 10000) {
			continue
		}
		d := time.Duration(b.NsPerOp)
		r := Row{Workload: "front end (load, render, validate, DAG)", Variant: fmt.Sprintf("BenchmarkLoad, %d steps", b.Steps),
			Median: FormatDuration(d), Min: "–", Max: "–"}
		if b.Steps == 1000 {
			met := d < limit
			r = r.WithGoal("< 20 ms", met)
			if !met {
				h.rep.Findings = append(h.rep.Findings, fmt.Sprintf("**Missed: loading 1,000 steps takes %s (goal < 20 ms).**", FormatDuration(d)))
			}
		}
		h.rep.Rows = append(h.rep.Rows, r)
	}
	for _, g := range Growth(bs) {
		if !g.Linear() {
			h.rep.Findings = append(h.rep.Findings, fmt.Sprintf("**%s %s grows faster than linearly:** time per step at %d steps is %.2f × that at %d.",
				shortPkg(g.Pkg), g.Name, g.To, g.Ratio, g.From))
		}
	}
	return nil
}
