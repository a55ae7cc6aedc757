package template

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/diag"
)

// TestRenderTimeBound: templates that loop without writing, or call slow
// functions in a loop, or recurse, stop at the time limit with an error
// naming the line of the loop.
func TestRenderTimeBound(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		text string
		line int
	}{
		"nested empty ranges":      {"a: 1\nb: {{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}\n", 2},
		"key generation in a loop": {"a: 1\n\nc: {{ range until 100000 }}{{ genPrivateKey \"ecdsa\" }}{{ end }}\n", 3},
		"recursive template": {"{{ define \"a\" }}{{ if lt (len .) 60 }}{{ template \"a\" (append . 1) }}" +
			"{{ template \"a\" (append . 1) }}{{ end }}{{ end }}\nx: {{ template \"a\" list }}\n", 1},
	} {
		start := time.Now()
		_, err := Render(context.Background(), "task.yaml", tt.text, Data{}, RenderOptions{Timeout: 300 * time.Millisecond})
		elapsed := time.Since(start)
		if err == nil || !strings.Contains(err.Error(), ErrRenderTimeout.Error()) {
			t.Errorf("%s: err = %v; want a render timeout", name, err)
			continue
		}
		var d diag.Diagnostic
		if !errors.As(err, &d) || d.Pos.File != "task.yaml" || d.Pos.Line != tt.line {
			t.Errorf("%s: err = %v; want it at task.yaml:%d", name, err, tt.line)
		}
		if elapsed > 3*time.Second {
			t.Errorf("%s: stopped after %s; want about 300ms", name, elapsed)
		}
	}
}

// TestRenderMemoryBound: the 90-byte template of the issue fails at once,
// and a render that writes one byte per iteration up to the output limit
// keeps its trace (and so its memory) in proportion to the limit.
func TestRenderMemoryBound(t *testing.T) {
	t.Parallel()
	start := time.Now()
	_, err := Render(context.Background(), "t", "{{ range until 100000000 }}x{{end}}", Data{}, RenderOptions{})
	if err == nil || !strings.Contains(err.Error(), "until") || !strings.Contains(err.Error(), "size limit") {
		t.Fatalf("err = %v; want until refused for the size limit", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
	const limit = 16 << 20
	text := "{{ range until 1000000 }}x{{ end }}{{ range until 1000000 }}y{{ end }}"
	r, err := Render(context.Background(), "t", text, Data{}, RenderOptions{MaxOutput: limit})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Text) != 2000000 {
		t.Fatalf("rendered %d bytes", len(r.Text))
	}
	if n := len(r.trace); n > limit/16+1025 {
		t.Errorf("trace has %d segments for %d bytes of output; want at most %d", n, len(r.Text), limit/16+1025)
	}
	if got := r.OrigLine(1); got != 1 {
		t.Errorf("OrigLine(1) = %d", got)
	}
}

// TestRangeFunctionGuards: until and untilStep refuse counts whose
// slice would outgrow the limit, whatever the signs, and keep their
// results within it.
func TestRangeFunctionGuards(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{{ until 2000 }}`, `{{ until -2000 }}`, `{{ untilStep -1000 1000 1 }}`, `{{ untilStep 1000 -1000 -1 }}`,
		`{{ untilStep -9223372036854775808 9223372036854775807 1 }}`,
	} {
		_, err := Render(context.Background(), "t", in, Data{}, RenderOptions{MaxOutput: 8000})
		if err == nil || !strings.Contains(err.Error(), "size limit") {
			t.Errorf("Render(%s) err = %v; want a size limit error", in, err)
		}
	}
	for in, want := range map[string]string{
		`{{ until -3 }}`: "[0 -1 -2]", `{{ untilStep 0 10 4 }}`: "[0 4 8]", `{{ untilStep 5 0 -2 }}`: "[5 3 1]",
		`{{ untilStep 0 10 0 }}`: "[]",
	} {
		if got := renderText(t, in, Data{}, RenderOptions{MaxOutput: 8000}); got != want {
			t.Errorf("Render(%s) = %q; want %q", in, got, want)
		}
	}
}
