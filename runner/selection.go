package runner

import (
	"github.com/acb-dev/acb/graph"
)

// applySelection narrows the run to the steps opts.Selection chooses
// (graph.DAG.Select): the others never start and are not in the summary,
// and a selected step waits only for the selected steps it depends on,
// directly or through left-out ones.
func (r *run) applySelection(dag *graph.DAG) error {
	if r.opts.Selection.IsZero() {
		return nil
	}
	sel, err := dag.Select(r.opts.Selection)
	if err != nil {
		return inputErr("%w", err)
	}
	if len(sel.Steps) == 0 {
		return inputErr("the step selection leaves no step to run")
	}
	r.steps = sel.Steps
	r.deps = make(map[string][]string, len(sel.Steps))
	for _, s := range sel.Steps {
		r.deps[s.ID] = sel.Deps(s.ID)
	}
	r.leftOut = sel.LeftOut
	return nil
}

// logLeftOut says which steps the selection left out, and why.
func (r *run) logLeftOut() {
	for _, l := range r.leftOut {
		r.c.logf(l.Step.ID, evLeftOut, "Leaving out step ID: %s (%s)", l.Step.ID, l.Reason)
	}
}
