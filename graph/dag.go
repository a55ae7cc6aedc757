package graph

import (
	"github.com/acb-dev/acb/internal/diag"
)

// DAG is the dependency graph of a task's steps (acr-task-spec.md §7). A
// step without when depends on the step just above it (the first step on
// nothing), when: ["-"] depends on nothing, and a list of ids depends on
// each of them. Because when may only name earlier steps, file order is a
// topological order and the graph has no cycles.
//
// A DAG is immutable once built and safe for concurrent use. The slices it
// returns must not be modified.
type DAG struct {
	steps []*Step
	index map[string]int
	// deps and dependents are in compressed form: the edges of step i are
	// depList[depStart[i]:depStart[i+1]], in when order (the same for
	// dependents, in file order).
	depStart, depList []int
	revStart, revList []int
	wave              []int
	nWaves            int
}

// NewDAG builds the dependency graph of t's steps. It checks the rules that
// involve ids: every step has a unique id other than acb_root, when does not
// mix "-" with ids, and when names only earlier steps (never the step
// itself). Duplicate when entries are ignored. The error, if any, is a
// diag.List with every problem found. Parse performs the same checks, so a
// task returned by Parse always gives a DAG: the one Parse built, as long as
// t.Steps holds the steps Parse returned (their ids and when lists
// unchanged), so a task's graph is built once.
func NewDAG(t *Task) (*DAG, error) {
	var steps []*Step
	if t != nil {
		steps = t.Steps
		if t.dag != nil && t.dag.builtFrom(steps) {
			return t.dag, nil
		}
	}
	d, diags := link(steps, func(i, _ int) diag.Position { return steps[i].Pos }, t.fileName())
	if err := diags.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

func (t *Task) fileName() string {
	if t == nil {
		return ""
	}
	return t.File
}

// linkSteps runs the id and when checks of link for Parse, with the exact
// positions of ids and when entries.
func (p *parser) linkSteps(t *Task) {
	at := func(i, j int) diag.Position {
		if i < len(p.steps) {
			src := p.steps[i]
			if j < 0 && src.id != nil {
				return p.position(src.id)
			}
			if j >= 0 && j < len(src.when) {
				return p.position(src.when[j])
			}
		}
		return t.Steps[i].Pos
	}
	d, diags := link(t.Steps, at, p.file)
	p.diags = append(p.diags, diags...)
	if diags.Err() == nil {
		t.dag = d
	}
}

// builtFrom reports whether d is the graph of exactly these steps.
func (d *DAG) builtFrom(steps []*Step) bool {
	if len(d.steps) != len(steps) {
		return false
	}
	for i, s := range steps {
		if d.steps[i] != s {
			return false
		}
	}
	return true
}

// link checks ids and when lists and builds the graph. at gives the
// position of step i's id (j < 0) or of its j-th when entry.
func link(steps []*Step, at func(i, j int) diag.Position, file string) (*DAG, diag.List) {
	var diags diag.List
	n := len(steps)
	d := &DAG{
		steps:    steps,
		index:    make(map[string]int, n),
		depStart: make([]int, n+1),
		depList:  make([]int, 0, n),
		wave:     make([]int, n),
	}
	for i, s := range steps {
		if _, ok := d.index[s.ID]; !ok {
			d.index[s.ID] = i
		}
	}
	mark := make([]int, n) // mark[k] == i+1: step k is already a dependency of step i
	ids := make([]string, n)
	for i, s := range steps {
		ids[i] = s.ID
	}
	errorf := func(pos diag.Position, id, format string, args ...any) {
		if pos.File == "" {
			pos.File = file
		}
		diags = append(diags, diag.Errorf(pos, id, format, args...))
	}
	for i, s := range steps {
		d.depStart[i] = len(d.depList)
		switch first := d.index[s.ID]; {
		case s.ID == "":
			errorf(at(i, -1), "", "step %d has no id", i)
		case s.ID == RootID:
			errorf(at(i, -1), s.ID, "the id %s is reserved for the root of the step graph; choose another id", RootID)
		case first != i:
			errorf(at(i, -1), s.ID, "step id %q is already used by the step at line %d; ids must be unique",
				s.ID, steps[first].Pos.Line)
		}
		start := len(d.depList)
		switch {
		case len(s.When) == 0:
			if i > 0 {
				d.depList = append(d.depList, i-1)
			}
		case len(s.When) == 1 && s.When[0] == ImmediateToken:
		default:
			for j, w := range s.When {
				switch k, ok := d.index[w]; {
				case w == ImmediateToken:
					errorf(at(i, j), s.ID, `when mixes "-" (start at once) with step ids; use either ["-"] or a list of ids`)
				case w == "":
					errorf(at(i, j), s.ID, "when holds an empty step id")
				case w == s.ID:
					errorf(at(i, j), s.ID, "when names the step itself; a step cannot wait for itself")
				case !ok:
					hint := ""
					if len(w) <= 64 {
						hint = didYouMean(w, ids[:i])
					}
					errorf(at(i, j), s.ID, "when names unknown step %q%s", w, hint)
				case k > i:
					errorf(at(i, j), s.ID, "when names step %q, which comes later in the file (line %d); when may only name steps above",
						w, steps[k].Pos.Line)
				case mark[k] != i+1:
					mark[k] = i + 1
					d.depList = append(d.depList, k)
				}
			}
		}
		for _, k := range d.depList[start:] {
			if w := d.wave[k] + 1; w > d.wave[i] {
				d.wave[i] = w
			}
		}
		if d.wave[i]+1 > d.nWaves {
			d.nWaves = d.wave[i] + 1
		}
	}
	d.depStart[n] = len(d.depList)

	// Reverse edges, in file order of the dependents.
	d.revStart = make([]int, n+1)
	for _, k := range d.depList {
		d.revStart[k+1]++
	}
	for i := 0; i < n; i++ {
		d.revStart[i+1] += d.revStart[i]
	}
	d.revList = make([]int, len(d.depList))
	fill := make([]int, n)
	copy(fill, d.revStart[:n])
	for i := 0; i < n; i++ {
		for _, k := range d.depList[d.depStart[i]:d.depStart[i+1]] {
			d.revList[fill[k]] = i
			fill[k]++
		}
	}
	return d, diags
}

// Len returns the number of steps.
func (d *DAG) Len() int { return len(d.steps) }

// Steps returns the steps in file order, which is a topological order.
func (d *DAG) Steps() []*Step { return d.steps }

// Step returns the step with the given id, or nil.
func (d *DAG) Step(id string) *Step {
	if i, ok := d.index[id]; ok {
		return d.steps[i]
	}
	return nil
}

// Deps returns the ids of the steps id waits for, in when order (the step
// above for a step without when). It returns nil for a step without
// dependencies or an unknown id.
func (d *DAG) Deps(id string) []string {
	i, ok := d.index[id]
	if !ok {
		return nil
	}
	return d.ids(d.depList[d.depStart[i]:d.depStart[i+1]])
}

// Dependents returns the ids of the steps that wait for id, in file order.
func (d *DAG) Dependents(id string) []string {
	i, ok := d.index[id]
	if !ok {
		return nil
	}
	return d.ids(d.revList[d.revStart[i]:d.revStart[i+1]])
}

func (d *DAG) ids(idx []int) []string {
	if len(idx) == 0 {
		return nil
	}
	out := make([]string, len(idx))
	for j, i := range idx {
		out[j] = d.steps[i].ID
	}
	return out
}

// Roots returns the steps that wait for nothing, in file order.
func (d *DAG) Roots() []*Step {
	var out []*Step
	for i, s := range d.steps {
		if d.depStart[i] == d.depStart[i+1] {
			out = append(out, s)
		}
	}
	return out
}

// Wave returns the wave of step id (see Waves), or -1 for an unknown id.
func (d *DAG) Wave(id string) int {
	if i, ok := d.index[id]; ok {
		return d.wave[i]
	}
	return -1
}

// Waves groups the steps by the earliest moment they can start when every
// step succeeds and takes the same time: wave 0 holds the roots, and a step
// is in the wave after the latest of its dependencies. Steps keep file order
// within a wave. Useful to show what can run together (acb graph).
func (d *DAG) Waves() [][]*Step {
	if len(d.steps) == 0 {
		return nil
	}
	counts := make([]int, d.nWaves)
	for _, w := range d.wave {
		counts[w]++
	}
	flat := make([]*Step, len(d.steps))
	out := make([][]*Step, d.nWaves)
	off := 0
	for w, c := range counts {
		out[w] = flat[off : off : off+c]
		off += c
	}
	for i, s := range d.steps {
		out[d.wave[i]] = append(out[d.wave[i]], s)
	}
	return out
}
