package bench

import "fmt"

// Variant names shared by the workloads and their rows.
const (
	vACB       = "acb run"
	vCLI       = "docker CLI"
	vAPI       = "Engine API loop"
	vAPILayout = "Engine API loop, acb's layout (user network + 2 volumes)"
	vACBEmpty  = "acb run, the same task with no step (fixed cost per run)"
	vAPIAhead  = "Engine API loop, acb's layout, next container created ahead"
	vAPIGated  = "Engine API loop, acb's layout, next container started ahead behind a stdin gate (not acb's contract)"
	vBaseline  = "acb run, baseline binary (-baseline-acb)"
)

// row adds a timing row for variant, with its ratio against baseline when
// baseline is not empty, and returns it so callers can add a goal.
func (h *Harness) row(workload, variant string, res map[string]*Samples, baseline string) (Row, float64, bool) {
	s, ok := res[variant]
	if !ok || len(s.Times) == 0 {
		return Row{}, 0, false
	}
	r := TimeRow(workload, variant, s.Summary())
	ratio := 0.0
	if b, ok := res[baseline]; ok && baseline != "" && baseline != variant {
		ratio = Ratio(s.Summary(), b.Summary())
		r = r.WithRatio(ratio, baseline)
	}
	return r, ratio, true
}

// addRow adds an informational row.
func (h *Harness) addRow(workload, variant string, res map[string]*Samples, baseline string) {
	if r, _, ok := h.row(workload, variant, res, baseline); ok {
		h.rep.Rows = append(h.rep.Rows, r)
	}
}

// addGoalRow adds a row whose ratio against baseline must satisfy
// ratio < limit (strict) or ratio ≤ limit, and records a finding when it
// does not. label renames the row's variant when not empty.
func (h *Harness) addGoalRow(workload, variant, label string, res map[string]*Samples, baseline string, limit float64, strict bool, why string) {
	r, ratio, ok := h.row(workload, variant, res, baseline)
	if !ok {
		return
	}
	if label != "" {
		r.Variant = label
	}
	met := ratio <= limit
	op := "≤"
	if strict {
		met, op = ratio < limit, "<"
	}
	r = r.WithGoal(fmt.Sprintf("%s %.2f × %s", op, limit, baseline), met)
	h.rep.Rows = append(h.rep.Rows, r)
	if !met {
		h.rep.Findings = append(h.rep.Findings, fmt.Sprintf("**Missed: %s, %s is %.2f × %s (goal %s %.2f).** %s",
			workload, r.Variant, ratio, baseline, op, limit, why))
	}
}
