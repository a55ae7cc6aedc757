package graph

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/diag"
)

func mustDAG(t *testing.T, src string) *DAG {
	t.Helper()
	task, err := Parse([]byte(src), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDAG(task)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func stepIDs(steps []*Step) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.ID
	}
	return out
}

func waveIDs(d *DAG) [][]string {
	var out [][]string
	for _, w := range d.Waves() {
		out = append(out, stepIDs(w))
	}
	return out
}

// buildTestUpdate is acr-tasks/build-test-update-hello-world.yaml after
// rendering: hello-world has no when, so it waits only for the second build.
const buildTestUpdate = `version: v1.1.0
steps:
  - build: -t r.io/hello-world:1 -f hello-world.dockerfile .
    when: ["-"]
  - build: -t hello-world-test -f hello-world.dockerfile .
    when: ["-"]
  - id: hello-world
    cmd: r.io/hello-world:1
  - id: func-tests
    cmd: hello-world-test
    env:
      - test-target=hello-world
  - push:
    - r.io/hello-world:1
  - cmd: cmd.azurecr.io/helm:v2.11.0-rc.2 update helloworld
`

func TestDAGShapes(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		deps  map[string][]string
		roots []string
		waves [][]string
	}{
		{"sequential default", "steps:\n  - cmd: a\n  - cmd: b\n  - cmd: c\n",
			map[string][]string{"acb_step_0": nil, "acb_step_1": {"acb_step_0"}, "acb_step_2": {"acb_step_1"}},
			[]string{"acb_step_0"}, [][]string{{"acb_step_0"}, {"acb_step_1"}, {"acb_step_2"}}},
		{"parallel", "steps:\n  - id: a\n    cmd: a\n    when: [\"-\"]\n  - id: b\n    cmd: b\n    when: [\"-\"]\n",
			map[string][]string{"a": nil, "b": nil}, []string{"a", "b"}, [][]string{{"a", "b"}}},
		{"build-test-update subtlety", buildTestUpdate,
			map[string][]string{"acb_step_0": nil, "acb_step_1": nil, "hello-world": {"acb_step_1"}, "func-tests": {"hello-world"}, "acb_step_4": {"func-tests"}, "acb_step_5": {"acb_step_4"}},
			[]string{"acb_step_0", "acb_step_1"},
			[][]string{{"acb_step_0", "acb_step_1"}, {"hello-world"}, {"func-tests"}, {"acb_step_4"}, {"acb_step_5"}}},
		{"diamond", "steps:\n  - id: a\n    cmd: a\n  - id: b\n    cmd: b\n    when: [a]\n  - id: c\n    cmd: c\n    when: [a]\n  - id: d\n    cmd: d\n    when: [c, b]\n",
			map[string][]string{"a": nil, "b": {"a"}, "c": {"a"}, "d": {"c", "b"}},
			[]string{"a"}, [][]string{{"a"}, {"b", "c"}, {"d"}}},
		{"uneven", "steps:\n  - id: a\n    cmd: a\n    when: [\"-\"]\n  - id: b\n    cmd: b\n  - id: c\n    cmd: c\n    when: [\"-\"]\n  - id: d\n    cmd: d\n    when: [b, c]\n",
			map[string][]string{"a": nil, "b": {"a"}, "c": nil, "d": {"b", "c"}},
			[]string{"a", "c"}, [][]string{{"a", "c"}, {"b"}, {"d"}}},
		{"no-when after parallel step", "steps:\n  - id: a\n    cmd: a\n  - id: b\n    cmd: b\n    when: [\"-\"]\n  - id: c\n    cmd: c\n",
			map[string][]string{"a": nil, "b": nil, "c": {"b"}}, []string{"a", "b"}, [][]string{{"a", "b"}, {"c"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustDAG(t, tt.src)
			for id, want := range tt.deps {
				if got := d.Deps(id); !reflect.DeepEqual(got, want) {
					t.Errorf("Deps(%s) = %v, want %v", id, got, want)
				}
				for _, dep := range want {
					if !contains(d.Dependents(dep), id) {
						t.Errorf("Dependents(%s) = %v lacks %s", dep, d.Dependents(dep), id)
					}
				}
			}
			if got := stepIDs(d.Roots()); !reflect.DeepEqual(got, tt.roots) {
				t.Errorf("Roots = %v, want %v", got, tt.roots)
			}
			if got := waveIDs(d); !reflect.DeepEqual(got, tt.waves) {
				t.Errorf("Waves = %v, want %v", got, tt.waves)
			}
		})
	}
}

func contains(list []string, s string) bool { return indexOf(list, s) >= 0 }

func TestDAGAccessors(t *testing.T) {
	d := mustDAG(t, buildTestUpdate)
	if d.Len() != 6 || len(d.Steps()) != 6 {
		t.Errorf("Len %d", d.Len())
	}
	if got := d.Dependents("acb_step_1"); !reflect.DeepEqual(got, []string{"hello-world"}) {
		t.Errorf("Dependents = %v", got)
	}
	if d.Dependents("acb_step_0") != nil || d.Deps("nope") != nil || d.Dependents("nope") != nil || d.Step("nope") != nil {
		t.Error("unknown ids and leaves must give nil")
	}
	if d.Step("func-tests").Index != 3 || d.Wave("func-tests") != 2 || d.Wave("nope") != -1 {
		t.Error("Step/Wave")
	}
	empty, err := NewDAG(&Task{})
	if err != nil || empty.Waves() != nil || empty.Roots() != nil {
		t.Errorf("empty DAG: %v", err)
	}
	if _, err := NewDAG(nil); err != nil {
		t.Errorf("nil task: %v", err)
	}
}

// TestNewDAGHandBuilt checks the checks NewDAG runs on tasks that did not
// come from Parse.
func TestNewDAGHandBuilt(t *testing.T) {
	pos := func(line int) diag.Position { return diag.Position{Line: line} }
	task := &Task{File: "hand.yaml", Steps: []*Step{
		{ID: "a", Pos: pos(1)},
		{ID: "a", Pos: pos(2)},
		{ID: RootID, Pos: pos(3)},
		{ID: "", Pos: pos(4)},
		{ID: "b", When: []string{"-", "a"}, Pos: pos(5)},
		{ID: "c", When: []string{"c", "later", "x"}, Pos: pos(6)},
		{ID: "later", Pos: pos(7)},
	}}
	_, err := NewDAG(task)
	var l diag.List
	if !errors.As(err, &l) {
		t.Fatalf("err %T %v", err, err)
	}
	for _, want := range []string{
		`hand.yaml:2: step a: step id "a" is already used by the step at line 1`,
		`hand.yaml:3: step acb_root: the id acb_root is reserved`,
		`hand.yaml:4: step 3 has no id`,
		`hand.yaml:5: step b: when mixes "-"`,
		`hand.yaml:6: step c: when names the step itself`,
		`hand.yaml:6: step c: when names step "later", which comes later in the file (line 7)`,
		`hand.yaml:6: step c: when names unknown step "x"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in\n%s", want, err)
		}
	}
}

func TestRenderers(t *testing.T) {
	d := mustDAG(t, "steps:\n  - id: a\n    build: -t x .\n    when: [\"-\"]\n  - id: 'b\"q'\n    cmd: bash echo <hi>\n    when: [\"-\"]\n  - id: c\n    push: [x]\n    when: [a, 'b\"q']\n")
	var text, dot, mer strings.Builder
	if err := d.Text(&text); err != nil {
		t.Fatal(err)
	}
	if err := d.Dot(&dot); err != nil {
		t.Fatal(err)
	}
	if err := d.Mermaid(&mer); err != nil {
		t.Fatal(err)
	}
	wantText := "wave 0:\n  a [build] -t x .\n  b\"q [cmd] bash echo <hi>\nwave 1:\n  c [push] x:latest <- a, b\"q\n"
	wantDot := `digraph task {
  rankdir=TB;
  node [shape=box];
  "a" [label="a\nbuild"];
  "b\"q" [label="b\"q\ncmd"];
  "c" [label="c\npush"];
  "a" -> "c";
  "b\"q" -> "c";
}
`
	wantMermaid := `flowchart TD
  s0["a<br/>build"]
  s1["b#quot;q<br/>cmd"]
  s2["c<br/>push"]
  s0 --> s2
  s1 --> s2
`
	for _, c := range []struct{ name, got, want string }{
		{"text", text.String(), wantText}, {"dot", dot.String(), wantDot}, {"mermaid", mer.String(), wantMermaid},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, c.got, c.want)
		}
	}
	long := mustDAG(t, "steps:\n  - cmd: "+strings.Repeat("x", 100)+"\n")
	var b strings.Builder
	_ = long.Text(&b)
	if !strings.Contains(b.String(), "...") || len(b.String()) > 100 {
		t.Errorf("long command not shortened: %q", b.String())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("boom") }

func TestRendererErrors(t *testing.T) {
	d := mustDAG(t, "steps:\n  - cmd: x\n")
	for _, f := range []func() error{
		func() error { return d.Text(failWriter{}) },
		func() error { return d.Dot(failWriter{}) },
		func() error { return d.Mermaid(failWriter{}) },
	} {
		if f() == nil {
			t.Error("writer error not returned")
		}
	}
}

// TestNewDAGReusesParse checks that a parsed task's graph is built once:
// NewDAG returns the graph Parse built while the steps are Parse's.
func TestNewDAGReusesParse(t *testing.T) {
	task, err := Parse([]byte("steps:\n  - id: a\n    cmd: x\n  - id: b\n    cmd: y\n    when: [a]\n"), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d1, err := NewDAG(task)
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := NewDAG(task)
	if d1 != d2 || d1 != task.dag {
		t.Errorf("NewDAG built the parsed task's graph again")
	}
	sub := *task
	sub.Steps = task.Steps[1:]
	if d3, err := NewDAG(&sub); err == nil && d3 == d1 {
		t.Errorf("NewDAG reused the graph for other steps")
	}
}
