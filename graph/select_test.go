package graph

import (
	"reflect"
	"strings"
	"testing"
)

// fanTask fans out from a to b and c, which fan in to d; e follows d; f
// starts at once and is independent.
const fanTask = `version: v1.1.0
steps:
  - id: a
    cmd: x
  - id: b
    cmd: x
    when: [a]
  - id: c
    cmd: x
    when: [a]
  - id: d
    cmd: x
    when: [b, c]
  - id: e
    cmd: x
  - id: f
    cmd: x
    when: ["-"]
`

func TestSelect(t *testing.T) {
	d := mustDAG(t, fanTask)
	cases := []struct {
		name    string
		sel     Selection
		steps   []string
		deps    map[string][]string // of selected steps; missing means none
		leftOut map[string]string   // id -> reason fragment
	}{
		{name: "zero selects all", sel: Selection{},
			steps: []string{"a", "b", "c", "d", "e", "f"},
			deps:  map[string][]string{"b": {"a"}, "c": {"a"}, "d": {"b", "c"}, "e": {"d"}}},
		{name: "target takes what it needs", sel: Selection{Targets: []string{"d"}},
			steps:   []string{"a", "b", "c", "d"},
			deps:    map[string][]string{"b": {"a"}, "c": {"a"}, "d": {"b", "c"}},
			leftOut: map[string]string{"e": "not needed by --target d", "f": "not needed by --target d"}},
		{name: "two targets", sel: Selection{Targets: []string{"b", "f"}},
			steps: []string{"a", "b", "f"}, deps: map[string][]string{"b": {"a"}},
			leftOut: map[string]string{"c": "--target b, f", "d": "", "e": ""}},
		{name: "only", sel: Selection{Only: []string{"d", "a"}},
			steps:   []string{"a", "d"},
			deps:    map[string][]string{"d": {"a"}}, // through b and c, left out
			leftOut: map[string]string{"b": "not named by --only", "c": "", "e": "", "f": ""}},
		{name: "from takes what depends on it", sel: Selection{From: []string{"c"}},
			steps:   []string{"c", "d", "e"},
			deps:    map[string][]string{"d": {"c"}, "e": {"d"}},
			leftOut: map[string]string{"a": "not after --from c", "b": "", "f": ""}},
		{name: "skip keeps the order through the skipped step", sel: Selection{Skip: []string{"b", "c"}},
			steps:   []string{"a", "d", "e", "f"},
			deps:    map[string][]string{"d": {"a"}, "e": {"d"}},
			leftOut: map[string]string{"b": "skipped by --skip", "c": "skipped by --skip"}},
		{name: "from and target make a range", sel: Selection{From: []string{"b"}, Targets: []string{"d"}},
			steps: []string{"b", "d"}, deps: map[string][]string{"d": {"b"}},
			leftOut: map[string]string{"a": "not after --from b", "c": "not after --from b", "e": "not needed by --target d", "f": "not needed"}},
		{name: "only adds to target", sel: Selection{Targets: []string{"b"}, Only: []string{"f"}},
			steps: []string{"a", "b", "f"}, deps: map[string][]string{"b": {"a"}}},
		{name: "skip wins over target", sel: Selection{Targets: []string{"d"}, Skip: []string{"a"}},
			steps: []string{"b", "c", "d"}, deps: map[string][]string{"d": {"b", "c"}},
			leftOut: map[string]string{"a": "--skip"}},
		{name: "everything skipped", sel: Selection{Only: []string{"a"}, Skip: []string{"a"}},
			steps: nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := d.Select(tc.sel)
			if err != nil {
				t.Fatal(err)
			}
			if ids := stepIDs(got.Steps); !reflect.DeepEqual(ids, tc.steps) && !(len(ids) == 0 && len(tc.steps) == 0) {
				t.Fatalf("steps = %v, want %v", ids, tc.steps)
			}
			for _, s := range got.Steps {
				if !got.Has(s.ID) {
					t.Errorf("Has(%s) = false for a selected step", s.ID)
				}
				if want, have := tc.deps[s.ID], got.Deps(s.ID); len(want)+len(have) > 0 && !reflect.DeepEqual(have, want) {
					t.Errorf("Deps(%s) = %v, want %v", s.ID, have, want)
				}
			}
			if len(got.Steps)+len(got.LeftOut) != d.Len() {
				t.Errorf("%d selected + %d left out != %d steps", len(got.Steps), len(got.LeftOut), d.Len())
			}
			reasons := map[string]string{}
			for _, l := range got.LeftOut {
				if got.Has(l.Step.ID) {
					t.Errorf("%s both selected and left out", l.Step.ID)
				}
				if l.Reason == "" {
					t.Errorf("%s left out without a reason", l.Step.ID)
				}
				reasons[l.Step.ID] = l.Reason
			}
			for id, frag := range tc.leftOut {
				r, ok := reasons[id]
				if !ok {
					t.Errorf("%s not left out", id)
				} else if !strings.Contains(r, frag) {
					t.Errorf("reason for %s = %q, want it to contain %q", id, r, frag)
				}
			}
		})
	}
}

func TestSelectUnknownIDs(t *testing.T) {
	d := mustDAG(t, `version: v1.1.0
steps:
  - id: build
    cmd: x
  - id: push
    cmd: x
`)
	_, err := d.Select(Selection{Targets: []string{"biuld"}, Skip: []string{"nothing-like-it"}, Only: []string{"push"}})
	if err == nil {
		t.Fatal("no error for unknown ids")
	}
	msg := err.Error()
	for _, want := range []string{`--target "biuld": the task has no step with this id; did you mean "build"?`, `--skip "nothing-like-it": the task has no step with this id`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "push") {
		t.Errorf("error names a known id: %q", msg)
	}
}

// TestSelectLongChain checks the transitive dependency through many
// left-out steps stays exact (and quick) on a long chain.
func TestSelectLongChain(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: v1.1.0\nsteps:\n")
	for i := 0; i < 500; i++ {
		b.WriteString("  - cmd: x\n")
	}
	d := mustDAG(t, b.String())
	got, err := d.Select(Selection{Only: []string{"acb_step_0", "acb_step_499"}})
	if err != nil {
		t.Fatal(err)
	}
	if deps := got.Deps("acb_step_499"); !reflect.DeepEqual(deps, []string{"acb_step_0"}) {
		t.Fatalf("Deps = %v", deps)
	}
}

func TestRenderSelected(t *testing.T) {
	d := mustDAG(t, fanTask)
	sel, err := d.Select(Selection{Targets: []string{"b"}})
	if err != nil {
		t.Fatal(err)
	}
	var text, dot, mer strings.Builder
	if err := d.TextSelected(&text, nil, sel); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  b [cmd] x <- a\n", "  c [cmd] x <- a  (left out: not needed by --target b)\n", "  f [cmd] x  (left out: not needed by --target b)\n"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	if strings.Count(text.String(), "left out") != 4 {
		t.Errorf("want 4 left-out marks:\n%s", text.String())
	}
	if err := d.DotSelected(&dot, sel); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dot.String(), `"f" [label="f\ncmd\n(left out)", style=dashed`) || strings.Contains(dot.String(), `"b" [label="b\ncmd\n(left out)"`) {
		t.Errorf("dot:\n%s", dot.String())
	}
	if err := d.MermaidSelected(&mer, sel); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mer.String(), "  class s2,s3,s4,s5 leftout\n") {
		t.Errorf("mermaid:\n%s", mer.String())
	}
	// Without a selection the output is the plain graph.
	var plain, none strings.Builder
	_ = d.Text(&plain)
	_ = d.TextSelected(&none, nil, nil)
	if plain.String() != none.String() || strings.Contains(plain.String(), "left out") {
		t.Errorf("nil selection changed the text:\n%s", none.String())
	}
}
