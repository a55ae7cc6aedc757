package graph

import (
	"errors"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/diag"
)

// TestYAMLErrorsNameTheOffendingSpot checks YAML syntax errors point at the
// offending line and column, with a hint for the usual causes.
func TestYAMLErrorsNameTheOffendingSpot(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		line, col int
		hint      string
	}{
		{"tab in indentation", "version: v1.1.0\nsteps:\n  - cmd: bb echo hi\n\t  timeout: 5\n", 4, 1, "indent with spaces"},
		{"colon in cmd", "version: v1.1.0\nsteps:\n  - cmd: bb echo key: value\n", 3, 21, "quote the value"},
		{"colon in build", "steps:\n  - id: b\n    build: -t reg/x:1 . --label a: b\n", 3, 34, "quote the value"},
		{"bad indentation", "steps:\n  - id: a\n     cmd: x\n", 3, 6, "indentation"},
		{"unclosed flow list", "steps:\n  - cmd: bb echo hi\n    env: [a, b\n  - cmd: x\n", 3, 10, "not closed"},
		{"unclosed quote", "steps:\n  - cmd: \"bb echo\n", 2, 10, "quoted value is not closed"},
		{"backtick value", "steps:\n  - cmd: `x`\n", 2, 10, "quote the value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src), ParseOptions{File: "t.yaml"})
			var list diag.List
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("err = %v, want a diagnostic", err)
			}
			d := list[0]
			if d.Pos.Line != tc.line || d.Pos.Col != tc.col || !strings.Contains(d.Msg, tc.hint) {
				t.Errorf("got %s, want t.yaml:%d:%d with %q", d.Error(), tc.line, tc.col, tc.hint)
			}
		})
	}
}
