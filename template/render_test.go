package template

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/diag"
)

func renderText(t *testing.T, text string, data Data, opts RenderOptions) string {
	t.Helper()
	r, err := Render(context.Background(), "t.yaml", text, data, opts)
	if err != nil {
		t.Fatalf("Render(%q): %v", text, err)
	}
	return r.Text
}

func TestRender(t *testing.T) {
	t.Parallel()
	data := testData()
	data.Values = map[string]any{
		"tag":    "v2",
		"num":    5,
		"flag":   true,
		"nested": map[string]any{"inner": map[string]any{"leaf": "deep"}},
		"list":   []any{"a", "b"},
		"secret": "-----SECRET VALUE 1------",
	}
	if err := SetValue(data.Values, "set.by.flag=yes"); err != nil {
		t.Fatal(err)
	}
	data.Secrets = map[string]string{"s1": "shh"}
	tests := []struct {
		name, in, want string
		env            map[string]string
	}{
		{"run", "{{.Run.ID}} {{.Run.Registry}} {{.Run.RegistryName}} {{.Run.Date}} {{.Run.OS}}/{{.Run.Architecture}}", "SomeID foo.azurecr.io foo 20100520-131422z linux/amd64", nil},
		{"run extra", "{{.Run.Commit}}|{{.Run.Branch}}|{{.Run.TaskName}}|{{.Run.GitTag}}|{{.Run.TriggeredBy}}|{{.Run.Repository}}|{{.Run.OSVersion}}|{{.Run.SharedVolume}}", "Some Commit|br|taskFoo|some git tag|triggered from someone cool!!1|some RePo|1903|acb_home_vol_12345", nil},
		{"legacy build id", "{{.Build.ID}}", "SomeID", nil},
		{"values", "{{.Values.tag}} {{.Values.num}} {{.Values.flag}}", "v2 5 true", nil},
		{"nested values", "{{.Values.nested.inner.leaf}}", "deep", nil},
		{"set dotted", "{{.Values.set.by.flag}}", "yes", nil},
		{"list", "{{range .Values.list}}[{{.}}]{{end}}", "[a][b]", nil},
		{"secrets", "{{.Secrets.s1}}|{{.Secrets.unknown}}|", "shh||", nil},
		{"missing key is empty", "a{{.Values.missing}}b", "ab", nil},
		{"missing via index", `a{{index .Values "missing"}}b`, "ab", nil},
		{"missing variable", "{{$x := .Values.missing}}a{{$x}}b", "ab", nil},
		{"user no value kept", "<no value>{{.Values.missing}}", "<no value>", nil},
		{"default on missing", `{{.Values.missing | default "d"}}`, "d", nil},
		{"b64enc string", "{{.Values.secret | b64enc}}", "LS0tLS1TRUNSRVQgVkFMVUUgMS0tLS0tLQ==", nil},
		{"b64enc int", "{{.Values.num | b64enc}}", "NQ==", nil},
		{"b64enc bool", "{{.Values.flag | b64enc}}", "dHJ1ZQ==", nil},
		{"b64enc missing", "[{{.Values.missing | b64enc}}]", "[]", nil},
		{"env from options", `{{env "HOME"}}|{{expandenv "$HOME/x ${USER}"}}`, "/home/me|/home/me/x ", map[string]string{"HOME": "/home/me"}},
		{"env default empty", `[{{env "PATH"}}]`, "[]", nil},
		{"sprig", `{{ "abc" | upper }} {{ list 1 2 | len }}`, "ABC 2", nil},
		{"print types", "{{.Values.list}} {{.Values.nested.inner}}", "[a b] map[leaf:deep]", nil},
		{"values json", "{{.ValuesJSON}}", `'{"flag":true,"list":["a","b"],"nested":{"inner":{"leaf":"deep"}},"num":5,"secret":"-----SECRET VALUE 1------","set":{"by":{"flag":"yes"}},"tag":"v2"}'`, nil},
		{"run json", "{{.RunJSON}}", `'{"Architecture":"amd64","Branch":"br","Commit":"Some Commit","Date":"20100520-131422z","GitTag":"some git tag","ID":"SomeID","OS":"linux","OSVersion":"1903","Registry":"foo.azurecr.io","RegistryName":"foo","Repository":"some RePo","SharedVolume":"acb_home_vol_12345","TaskName":"taskFoo","TriggeredBy":"triggered from someone cool!!1"}'`, nil},
		{"trim markers", "a  {{- .Run.ID -}}  b", "aSomeIDb", nil},
		{"define and template", `{{define "x"}}<{{.}}>{{end}}{{template "x" .Run.ID}}`, "<SomeID>", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := renderText(t, tt.in, data, RenderOptions{Env: tt.env}); got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRenderNilData(t *testing.T) {
	t.Parallel()
	if got := renderText(t, "[{{.Values.x}}][{{.Secrets.y}}]{{.ValuesJSON}}", Data{}, RenderOptions{}); got != "[][]'{}'" {
		t.Errorf("got %q", got)
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"unclosed action", "version: v1.0.0\nsteps:\n  - cmd: {{ .Run.ID\n", 4, 0, "template: unclosed action started at task.yaml:3"},
		{"unclosed across lines", "a: 1\nb: {{ if\n\n", 4, 0, "started at task.yaml:2"},
		{"missing deeper", "a: 1\nb: x {{ .Values.missing.deeper }}\n", 2, 16, "template: error at <.Values.missing.deeper>: nil pointer evaluating interface {}.deeper"},
		{"unknown function", "a: 1\n\nb: {{ nosuchfunc }}\n", 3, 0, `function "nosuchfunc" not defined`},
		{"unknown run field", "a: {{ .Run.Nope }}\n", 1, 11, "unknown run variable .Run.Nope (ACR renders it as an empty string"},
		{"fail", "a: 1\nb: {{ fail \"boom\" }}\n", 2, 7, "boom"},
		{
			"after alias substitution",
			"version: v1.1.0\nalias:\n  values:\n    long: a-very-long-alias-value-that-moves-columns\n    multi: |\n      x\n      y\nsteps:\n  - cmd: $long $multi $long {{ .Values.missing.deeper }}\n",
			9, 39, "<.Values.missing.deeper>",
		},
		{
			"parse error after multi-line alias",
			"version: v1.1.0\nalias:\n  values:\n    multi: |\n      x\n      y\n      z\nsteps:\n  - cmd: $multi\n  - cmd: {{ end }}\n",
			10, 0, "unexpected {{end}}",
		},
		{
			"error inside alias value",
			"version: v1.1.0\nsteps:\n  - cmd: echo $bad\n",
			3, 15, "<.Values.a.b>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := Options{Aliases: map[string]string{"bad": "{{ .Values.a.b }}"}}
			doc, err := Expand(context.Background(), "task.yaml", []byte(tt.src), testData(), opts)
			if err != nil {
				t.Fatalf("Expand: %v", err)
			}
			_, err = doc.Render(context.Background(), testData(), RenderOptions{})
			var d diag.Diagnostic
			if !errors.As(err, &d) {
				t.Fatalf("err = %v (%T), want a diag.Diagnostic", err, err)
			}
			if d.Pos.File != "task.yaml" || d.Pos.Line != tt.line || d.Pos.Col != tt.col {
				t.Errorf("position = %v, want task.yaml:%d:%d (%v)", d.Pos, tt.line, tt.col, err)
			}
			if !strings.Contains(d.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", d.Msg, tt.msg)
			}
			if strings.Contains(err.Error(), tplName) {
				t.Errorf("internal template name leaked: %v", err)
			}
		})
	}
}

func TestRenderCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Render(ctx, "t", "{{range 100000000000}}{{end}}", Data{}, RenderOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestRenderOutputLimit(t *testing.T) {
	t.Parallel()
	_, err := Render(context.Background(), "t", "{{range 1000}}0123456789{{end}}", Data{}, RenderOptions{MaxOutput: 5000})
	if !errors.Is(err, ErrOutputLimit) {
		t.Errorf("err = %v, want a size limit error", err)
	}
}

func TestOrigLine(t *testing.T) {
	t.Parallel()
	data := testData()
	data.Values["three"] = "a\nb\nc"
	src := strings.Join([]string{
		"version: v1.1.0",                     // 1
		"alias:",                              // 2
		"  values:",                           // 3
		"    two: |",                          // 4
		"      first",                         // 5
		"      second",                        // 6
		"steps:",                              // 7
		"  - cmd: {{ .Values.three }}",        // 8
		"{{- if false }}",                     // 9
		"  - cmd: removed",                    // 10
		"{{- end }}",                          // 11
		"  - cmd: $two",                       // 12
		"{{ range $i, $e := list 1 2 }}",      // 13
		"  - cmd: loop {{ $e }}",              // 14
		"{{ end }}",                           // 15
		"  - id: anchor",                      // 16
		"    cmd: {{ .Run.ID }} # {{ \"\" }}", // 17
		"",
	}, "\n")
	_, r := expandRender(t, src, data, Options{})
	lines := strings.Split(r.Text, "\n")
	want := map[string]int{
		"  - cmd: a":         8,
		"b":                  8,
		"c":                  8,
		"  - cmd: first":     12,
		"second":             12,
		"  - cmd: loop 1":    14,
		"  - cmd: loop 2":    14,
		"  - id: anchor":     16,
		"    cmd: SomeID # ": 17,
		"steps:":             7,
		"version: v1.1.0":    1,
	}
	for i, l := range lines {
		if w, ok := want[l]; ok {
			if got := r.OrigLine(i + 1); got != w {
				t.Errorf("OrigLine(%d) for %q = %d, want %d\n%s", i+1, l, got, w, r.Text)
			}
			delete(want, l)
		}
	}
	if len(want) > 0 {
		t.Errorf("lines not found in output: %v\n%s", want, r.Text)
	}
	if p := r.OrigPos(1, 4); p.Line != 1 || p.Col != 4 || p.File != "task.yaml" {
		t.Errorf("OrigPos(1,4) = %v", p)
	}
	if r.OrigLine(0) != 1 || r.OrigLine(1<<20) == 0 {
		t.Errorf("out of range lines not clamped")
	}
}

func TestOrigLineIdentity(t *testing.T) {
	t.Parallel()
	src := "a: {{ .Run.ID }}\n# comment\nb: c\n"
	_, r := expandRender(t, src, testData(), Options{})
	for i := 1; i <= 3; i++ {
		if got := r.OrigLine(i); got != i {
			t.Errorf("OrigLine(%d) = %d", i, got)
		}
	}
}

func TestRenderGuards(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{{ repeat 100000 "xx" }}`, `{{ until 100000000 }}`, `{{ untilStep 0 100000000 1 }}`,
		`{{ indent 100000 "a\nb" }}`, `{{ randAlpha 100000 }}`, `{{ printf "%0100000d" 1 }}`, `{{ printf "%*d" 100000 1 }}`,
	} {
		_, err := Render(context.Background(), "t", in, Data{}, RenderOptions{MaxOutput: 1000})
		if err == nil || !strings.Contains(err.Error(), "size limit") {
			t.Errorf("Render(%s) err = %v, want a size limit error", in, err)
		}
	}
	for in, want := range map[string]string{
		`{{ repeat 3 "ab" }}`: "ababab", `{{ until 3 }}`: "[0 1 2]",
		`{{ indent 2 "a\nb" }}`: "  a\n  b", `{{ printf "%05d|%s" 42 "x" }}`: "00042|x", `{{ printf "tag-20230503043342-%s-%%999999999" "x" }}`: "tag-20230503043342-x-%999999999", `{{ randAlpha 4 | len }}`: "4",
	} {
		if got := renderText(t, in, Data{}, RenderOptions{MaxOutput: 1000}); got != want {
			t.Errorf("Render(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderValuesJSONLazy(t *testing.T) {
	t.Parallel()
	data := Data{Values: map[string]any{"bad": math.NaN()}}
	if got := renderText(t, "ok", data, RenderOptions{}); got != "ok" {
		t.Errorf("got %q", got)
	}
	_, err := Render(context.Background(), "t.yaml", "a\n{{ .ValuesJSON }}", data, RenderOptions{})
	var d diag.Diagnostic
	if !errors.As(err, &d) || d.Pos.Line != 2 || !strings.Contains(d.Msg, "NaN") {
		t.Errorf("err = %v, want a positioned NaN error", err)
	}
}
