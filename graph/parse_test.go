package graph

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestDocumentShapes(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		lenient bool
		ok      bool
		w       want
	}{
		{"two documents", "steps: []\n---\nsteps: []\n", false, false, want{"3:1", "", false, "a second YAML document starts here"}},
		{"two documents lenient", "steps: []\n---\nsteps: []\n", true, true, want{"3:1", "", true, "a second YAML document"}},
		{"null document", "---\n", false, true, want{}},
		{"steps null", "steps:\n", false, true, want{}},
		{"merge of a scalar", "steps:\n  - cmd: x\n    <<: 3\n", false, false, want{"3:9", "acb_step_0", false, "a YAML merge key (<<) takes a mapping"}},
		{"non-scalar key", "steps:\n  - cmd: x\n    ? [a]\n    : 1\n", false, false, want{"3:7", "acb_step_0", false, "step keys must be plain names"}},
		{"empty when", "steps:\n  - cmd: x\n    when: []\n", false, true, want{"3:11", "acb_step_0", true, "when is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task, diags := parseDiags(t, tt.src, ParseOptions{Lenient: tt.lenient})
			if (task != nil) != tt.ok {
				t.Fatalf("ok = %v, want %v: %v", task != nil, tt.ok, diags)
			}
			if tt.w.msg != "" {
				checkDiags(t, diags, []want{tt.w})
			}
		})
	}
}

// TestAliasBomb checks that YAML aliases and merge keys cannot make Parse
// explode ("billion laughs").
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("x0: &m0 {cmd: x, detach: true}\n")
	for i := 1; i <= 7; i++ {
		fmt.Fprintf(&b, "x%d: &m%d {<<: [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*m%d", i-1)
		}
		b.WriteString("]}\n")
	}
	b.WriteString("steps: [*m7, *m7, *m7, *m7, *m7, *m7, *m7, *m7]\n")
	start := time.Now()
	_, err := Parse([]byte(b.String()), ParseOptions{Lenient: true})
	if err == nil || !strings.Contains(err.Error(), "expands too much") {
		t.Fatalf("want the expansion error, got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Parse took %v", d)
	}
	// Steps that alias one mapping are fine.
	src := "base: &b {cmd: x}\nsteps: [*b, *b, *b]\n"
	task, err := Parse([]byte(src), ParseOptions{Lenient: true})
	if err != nil || len(task.Steps) != 3 {
		t.Fatalf("%v", err)
	}
}
