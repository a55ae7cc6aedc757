package graph

import (
	"io"
	"strconv"
	"strings"
)

// maxDetail bounds the command shown next to a step in Text output.
const maxDetail = 60

// Text writes the graph as plain text for acb graph --format text: one block
// per wave (see Waves), each step with its type, a short form of its
// command and the steps it waits for. The output is deterministic.
func (d *DAG) Text(w io.Writer) error {
	return d.TextMasked(w, nil)
}

// TextMasked is Text with mask applied to each step's command before it is
// shortened, so that a shortened command never shows the first characters
// of a secret value. A nil mask changes nothing.
func (d *DAG) TextMasked(w io.Writer, mask func(string) string) error {
	return d.TextSelected(w, mask, nil)
}

// TextSelected is TextMasked with the steps sel left out marked
// "(left out: <reason>)"; a nil sel marks nothing.
func (d *DAG) TextSelected(w io.Writer, mask func(string) string, sel *Selected) error {
	reasons := sel.reasons()
	var b strings.Builder
	for n, wave := range d.Waves() {
		b.WriteString("wave ")
		b.WriteString(strconv.Itoa(n))
		b.WriteString(":\n")
		for _, s := range wave {
			b.WriteString("  ")
			b.WriteString(s.ID)
			b.WriteString(" [")
			b.WriteString(s.Type.String())
			b.WriteString("]")
			if det := detail(s, mask); det != "" {
				b.WriteString(" ")
				b.WriteString(det)
			}
			if deps := d.Deps(s.ID); len(deps) > 0 {
				b.WriteString(" <- ")
				b.WriteString(strings.Join(deps, ", "))
			}
			if r, ok := reasons[s.ID]; ok {
				b.WriteString("  (left out: ")
				b.WriteString(r)
				b.WriteString(")")
			}
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// detail is a one-line, shortened form of the step's command.
func detail(s *Step, mask func(string) string) string {
	var t string
	switch s.Type {
	case CmdStep:
		t = s.Cmd
	case BuildStep:
		t = s.Build
	case PushStep:
		t = strings.Join(s.Push, " ")
	}
	if mask != nil {
		t = mask(t)
	}
	t = strings.Join(strings.Fields(t), " ")
	if r := []rune(t); len(r) > maxDetail {
		t = string(r[:maxDetail-3]) + "..."
	}
	return t
}

// Dot writes the graph in Graphviz DOT for acb graph --format dot. Edges
// point from a step to the steps that wait for it.
func (d *DAG) Dot(w io.Writer) error {
	return d.DotSelected(w, nil)
}

// DotSelected is Dot with the steps sel left out drawn dashed and grey,
// labelled "(left out)"; a nil sel marks nothing.
func (d *DAG) DotSelected(w io.Writer, sel *Selected) error {
	reasons := sel.reasons()
	var b strings.Builder
	b.WriteString("digraph task {\n  rankdir=TB;\n  node [shape=box];\n")
	for _, s := range d.steps {
		b.WriteString("  ")
		b.WriteString(dotQuote(s.ID))
		b.WriteString(" [label=")
		if _, out := reasons[s.ID]; out {
			b.WriteString(dotQuote(s.ID + "\n" + s.Type.String() + "\n(left out)"))
			b.WriteString(", style=dashed, color=gray50, fontcolor=gray50")
		} else {
			b.WriteString(dotQuote(s.ID + "\n" + s.Type.String()))
		}
		b.WriteString("];\n")
	}
	for i, s := range d.steps {
		for _, k := range d.depList[d.depStart[i]:d.depStart[i+1]] {
			b.WriteString("  ")
			b.WriteString(dotQuote(d.steps[k].ID))
			b.WriteString(" -> ")
			b.WriteString(dotQuote(s.ID))
			b.WriteString(";\n")
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Escapers for the renderers; strings.Replacer is safe for concurrent use.
var (
	dotEscaper     = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")
	mermaidEscaper = strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", " ", "\r", "")
)

// dotQuote quotes s as a DOT string.
func dotQuote(s string) string {
	return `"` + dotEscaper.Replace(s) + `"`
}

// Mermaid writes the graph as a Mermaid flowchart for acb graph --format
// mermaid. Nodes are named s0, s1, ... by file position; labels carry the
// ids.
func (d *DAG) Mermaid(w io.Writer) error {
	return d.MermaidSelected(w, nil)
}

// MermaidSelected is Mermaid with the steps sel left out in the class
// leftout (dashed, grey); a nil sel marks nothing.
func (d *DAG) MermaidSelected(w io.Writer, sel *Selected) error {
	reasons := sel.reasons()
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	for i, s := range d.steps {
		b.WriteString("  s")
		b.WriteString(strconv.Itoa(i))
		b.WriteString(`["`)
		b.WriteString(mermaidEscape(s.ID))
		b.WriteString("<br/>")
		b.WriteString(s.Type.String())
		b.WriteString("\"]\n")
	}
	for i := range d.steps {
		for _, k := range d.depList[d.depStart[i]:d.depStart[i+1]] {
			b.WriteString("  s")
			b.WriteString(strconv.Itoa(k))
			b.WriteString(" --> s")
			b.WriteString(strconv.Itoa(i))
			b.WriteByte('\n')
		}
	}
	if len(reasons) > 0 {
		b.WriteString("  classDef leftout stroke-dasharray: 5 5,color:#888\n")
		var names []string
		for i, s := range d.steps {
			if _, out := reasons[s.ID]; out {
				names = append(names, "s"+strconv.Itoa(i))
			}
		}
		b.WriteString("  class " + strings.Join(names, ",") + " leftout\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidEscape makes s safe inside a quoted Mermaid label.
func mermaidEscape(s string) string {
	return mermaidEscaper.Replace(s)
}
