package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// startup times `acb version` and `acb validate` of the hello example as
// separate processes, against spawning /bin/true (the process floor).
func (h *Harness) startup(ctx context.Context) error {
	const w = "start-up"
	sample := filepath.Join(h.cfg.Root, "examples", "hello", "acb.yaml")
	vVersion, vValidate, vTrue := "acb version", "acb validate examples/hello/acb.yaml --set REGISTRY1=… --set REGISTRY2=…", "/bin/true (process spawn)"
	res, err := h.measure(ctx, w, h.cfg.StartupRuns, []Variant{
		{Name: vVersion, Do: process(func() Cmd { return Cmd{Path: h.cfg.ACB, Args: []string{"version"}} })},
		{Name: vValidate, Do: process(func() Cmd {
			return Cmd{Path: h.cfg.ACB, Args: []string{"validate", sample, "--set", "REGISTRY1=127.0.0.1:5000", "--set", "REGISTRY2=127.0.0.1:5001"}}
		})},
		{Name: vTrue, Do: process(func() Cmd { return Cmd{Path: "/bin/true"} })},
	})
	if err != nil {
		return err
	}
	for _, g := range []struct {
		variant string
		limit   time.Duration
	}{{vVersion, 30 * time.Millisecond}, {vValidate, 50 * time.Millisecond}} {
		s := res[g.variant].Summary()
		r := TimeRow(w, g.variant, s).WithRatio(Ratio(s, res[vTrue].Summary()), vTrue)
		met := s.Median < g.limit
		r = r.WithGoal("< "+FormatDuration(g.limit), met)
		h.rep.Rows = append(h.rep.Rows, r)
		if !met {
			h.rep.Findings = append(h.rep.Findings, fmt.Sprintf("**Missed: %s takes %s (goal < %s).** Spawning /bin/true takes %s.",
				g.variant, FormatDuration(s.Median), FormatDuration(g.limit), FormatDuration(res[vTrue].Summary().Median)))
		}
	}
	h.addRow(w, vTrue, res, "")
	h.rep.Notes = append(h.rep.Notes, fmt.Sprintf("Start-up rows are %d runs each (variants alternating), not %d.", h.cfg.StartupRuns, h.cfg.Reps))
	return nil
}
