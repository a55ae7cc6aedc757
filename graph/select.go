package graph

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Selection chooses which steps of a task run: acb run's --target, --only,
// --from and --skip. The zero value selects every step.
//
// --target and --from combine as a range: with both, a step runs when it
// is needed by a target and depends on a --from step. --only steps are
// added to that (or are the whole selection when alone). --skip removes
// steps from whatever the other flags chose.
type Selection struct {
	Targets []string // each step and every step it needs through when, transitively
	Only    []string // just these steps
	From    []string // each step and every step that depends on it, transitively
	Skip    []string // never these steps
}

// IsZero reports whether the selection names no step, i.e. selects all.
func (s Selection) IsZero() bool {
	return len(s.Targets) == 0 && len(s.Only) == 0 && len(s.From) == 0 && len(s.Skip) == 0
}

// LeftOut is a step a selection left out, with the reason in words
// ("not needed by --target push").
type LeftOut struct {
	Step   *Step
	Reason string
}

// Selected is the outcome of DAG.Select.
//
// A left-out step counts as succeeding the moment its own dependencies
// are done: a selected step never waits for a left-out one, yet the order
// among the selected steps is kept. With build -> test -> push and --skip
// test, push still waits for build; with --from test, test starts at once
// (build is taken as done, e.g. by an earlier run with the same
// --workspace).
type Selected struct {
	Steps   []*Step   // the selected steps, in file order
	LeftOut []LeftOut // the others, in file order
	deps    map[string][]string
}

// Has reports whether step id is selected.
func (s *Selected) Has(id string) bool {
	_, ok := s.deps[id]
	return ok
}

// Deps returns the selected steps id waits for: its own dependencies that
// are selected, and, through each left-out dependency, that one's
// (transitively), without duplicates, in file order.
func (s *Selected) Deps(id string) []string { return s.deps[id] }

// Select applies sel to the graph. Every id sel names must be a step of
// the task; otherwise the error lists each unknown id with a "did you
// mean" suggestion. An empty result is not an error (acb graph shows it;
// acb run refuses it).
func (d *DAG) Select(sel Selection) (*Selected, error) {
	if err := d.checkIDs(sel); err != nil {
		return nil, err
	}
	n := len(d.steps)
	all := len(sel.Targets) == 0 && len(sel.From) == 0 && len(sel.Only) == 0
	up := d.closure(sel.Targets, d.depStart, d.depList) // needed by a target
	down := d.closure(sel.From, d.revStart, d.revList)  // depends on a --from step
	only, skip := d.indexSet(sel.Only), d.indexSet(sel.Skip)
	out := &Selected{deps: make(map[string][]string, n)}
	chosen := make([]bool, n)
	for i, s := range d.steps {
		var reason string
		switch {
		case skip[i]:
			reason = "skipped by --skip"
		case all || only[i]:
		case (len(sel.Targets) > 0 || len(sel.From) > 0) && (len(sel.Targets) == 0 || up[i]) && (len(sel.From) == 0 || down[i]):
		default:
			reason = leftOutReason(sel, up[i], down[i])
		}
		if reason != "" {
			out.LeftOut = append(out.LeftOut, LeftOut{Step: s, Reason: reason})
			continue
		}
		chosen[i] = true
		out.Steps = append(out.Steps, s)
	}
	// through[i]: the selected steps a step i stands for as a dependency:
	// itself when selected, else what it waits for (transitively). File
	// order is topological, so every dependency is resolved before use.
	through := make([][]int, n)
	for i := range d.steps {
		var set []int
		seen := map[int]bool{}
		for _, k := range d.depList[d.depStart[i]:d.depStart[i+1]] {
			for _, j := range through[k] {
				if !seen[j] {
					seen[j] = true
					set = append(set, j)
				}
			}
		}
		slices.Sort(set)
		if chosen[i] {
			out.deps[d.steps[i].ID] = d.ids(set)
			through[i] = []int{i}
		} else {
			through[i] = set
		}
	}
	return out, nil
}

// leftOutReason says why a step not named by --only or --skip is left out.
func leftOutReason(sel Selection, up, down bool) string {
	var why []string
	if len(sel.Targets) > 0 && !up {
		why = append(why, "not needed by --target "+strings.Join(sel.Targets, ", "))
	}
	if len(sel.From) > 0 && !down {
		why = append(why, "not after --from "+strings.Join(sel.From, ", "))
	}
	if len(why) == 0 { // --only alone
		why = append(why, "not named by --only")
	}
	return strings.Join(why, "; ")
}

// checkIDs reports every id of sel that is not a step, with a suggestion.
func (d *DAG) checkIDs(sel Selection) error {
	ids := make([]string, len(d.steps))
	for i, s := range d.steps {
		ids[i] = s.ID
	}
	var errs []error
	check := func(flag string, list []string) {
		for _, id := range list {
			if _, ok := d.index[id]; !ok {
				hint := ""
				if len(id) <= 64 {
					hint = didYouMean(id, ids)
				}
				errs = append(errs, fmt.Errorf("--%s %s: the task has no step with this id%s", flag, quote(id), hint))
			}
		}
	}
	check("target", sel.Targets)
	check("only", sel.Only)
	check("from", sel.From)
	check("skip", sel.Skip)
	return errors.Join(errs...)
}

// closure marks the given steps and every step reachable from them along
// the edges start/list (dependencies or dependents).
func (d *DAG) closure(ids []string, start, list []int) []bool {
	mark := make([]bool, len(d.steps))
	var stack []int
	for _, id := range ids {
		if i, ok := d.index[id]; ok && !mark[i] {
			mark[i] = true
			stack = append(stack, i)
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, k := range list[start[i]:start[i+1]] {
			if !mark[k] {
				mark[k] = true
				stack = append(stack, k)
			}
		}
	}
	return mark
}

// indexSet marks the steps with the given ids.
func (d *DAG) indexSet(ids []string) []bool {
	mark := make([]bool, len(d.steps))
	for _, id := range ids {
		if i, ok := d.index[id]; ok {
			mark[i] = true
		}
	}
	return mark
}

// reasons maps each left-out step's id to its reason; nil for a nil s.
func (s *Selected) reasons() map[string]string {
	if s == nil {
		return nil
	}
	m := make(map[string]string, len(s.LeftOut))
	for _, l := range s.LeftOut {
		m[l.Step.ID] = l.Reason
	}
	return m
}
