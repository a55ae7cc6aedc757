package template

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/diag"
)

func testData() Data {
	return Data{Run: referenceRun(), Values: map[string]any{}}
}

func expandRender(t *testing.T, src string, data Data, opts Options) (*Document, *Rendered) {
	t.Helper()
	doc, err := Expand(context.Background(), "task.yaml", []byte(src), data, opts)
	if err != nil {
		t.Fatalf("Expand: %v", err)
	}
	r, err := doc.Render(context.Background(), data, RenderOptions{})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return doc, r
}

func TestExpandAliases(t *testing.T) {
	t.Parallel()
	data := testData()
	data.Values["BaseRegistry"] = "myreg.io"
	tests := []struct {
		name, src, want string
	}{
		{
			"predefined",
			"version: v1.1.0\nsteps:\n  - build: -t $Registry/hello:$ID .\n",
			"version: v1.1.0\nsteps:\n  - build: -t foo.azurecr.io/hello:SomeID .\n",
		},
		{
			"all run aliases",
			"version: v1.1.0\nx: $ID $SharedVolume $Registry $RegistryName $Date $OS $Architecture $Commit $Branch $TaskName\n",
			"version: v1.1.0\nx: SomeID acb_home_vol_12345 foo.azurecr.io foo 20100520-131422z linux amd64 Some Commit br $TaskName\n",
		},
		{
			"v1.0.0 has no aliases",
			"version: v1.0.0\nsteps:\n  - cmd: echo $Registry\n",
			"version: v1.0.0\nsteps:\n  - cmd: echo $Registry\n",
		},
		{
			"no version has no aliases",
			"steps:\n  - cmd: echo $ID {{.Run.ID}}\n",
			"steps:\n  - cmd: echo $ID SomeID\n",
		},
		{
			"alias block is a template",
			"version: v1.1.0\nalias:\n  values:\n    BaseRegistry: {{ .Values.BaseRegistry | default \"mcr.microsoft.com\" }}\n    Other: {{ .Values.Missing | default \"mcr.microsoft.com\" }}\nsteps:\n  - cmd: docker pull $BaseRegistry/dotnet $Other/x\n",
			"version: v1.1.0\n\n\n\n\nsteps:\n  - cmd: docker pull myreg.io/dotnet mcr.microsoft.com/x\n",
		},
		{
			"inline beats predefined",
			"version: v1.1.0\nalias:\n  values:\n    Registry: custom.io\nsteps: $Registry/$ID\n",
			"version: v1.1.0\n\n\n\nsteps: custom.io/SomeID\n",
		},
		{
			"custom directive",
			"version: v1.1.0\nalias:\n  directive: '&'\n  values:\n    repo: r\nsteps: &repo $repo &ID $$ID &&ID\n",
			"version: v1.1.0\n\n\n\n\nsteps: r $repo SomeID $$ID &ID\n",
		},
		{
			"unicode directive",
			"version: v1.1.0\nalias:\n  directive: 🐳\nsteps: 🐳Registry/x:🐳ID\n",
			"version: v1.1.0\n\n\nsteps: foo.azurecr.io/x:SomeID\n",
		},
		{
			"multi-line alias value",
			"version: v1.1.0\nalias:\n  values:\n    script: |\n      echo one\n      echo two\nsteps:\n  - cmd: |\n      $script\n      echo three\n",
			"version: v1.1.0\n\n\n\n\n\nsteps:\n  - cmd: |\n      echo one\necho two\n\n      echo three\n",
		},
		{
			"shell variables survive",
			"version: v1.1.0\nsteps:\n  - cmd: bash -c 'echo $(date) $MY_SECRET $$OS'\n",
			"version: v1.1.0\nsteps:\n  - cmd: bash -c 'echo $(date) $MY_SECRET $OS'\n",
		},
		{
			"comments blanked, block comments kept",
			"version: v1.1.0\n# top $ID\nsteps:\n  - cmd: |\n      # in script $ID\n      echo\n",
			"version: v1.1.0\n\nsteps:\n  - cmd: |\n      # in script SomeID\n      echo\n",
		},
		{
			"empty alias block",
			"version: v1.1.0\nalias:\nsteps: $ID\n",
			"version: v1.1.0\n\nsteps: SomeID\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, r := expandRender(t, tt.src, data, Options{})
			if r.Text != tt.want {
				t.Errorf("rendered =\n%q\nwant\n%q", r.Text, tt.want)
			}
		})
	}
}

func TestExpandDocument(t *testing.T) {
	t.Parallel()
	doc, err := Expand(context.Background(), "t.yaml", []byte("version: v1.1.0\nsteps:\n  - cmd: bash $ID\n"), testData(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != "v1.1.0" || !doc.AliasesEnabled || doc.Directive != '$' {
		t.Errorf("doc = %+v", doc)
	}
	if doc.Text != "version: v1.1.0\nsteps:\n  - cmd: bash {{.Run.ID}}\n" {
		t.Errorf("Text = %q", doc.Text)
	}
	if doc.Aliases["bash"] != DefaultBashImage {
		t.Errorf("bash alias = %q", doc.Aliases["bash"])
	}
	doc, err = Expand(context.Background(), "t.yaml", []byte("version: v1.0.0\n"), testData(), Options{})
	if err != nil || doc.AliasesEnabled || doc.Aliases != nil {
		t.Errorf("v1.0.0 doc = %+v, %v", doc, err)
	}
}

func TestAliasPrecedence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("first.yaml", "a: first\nb: first\nc: first\nbash: first-bash\n")
	write("second.yaml", "b: second\nc: second\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/remote.yaml":
			fmt.Fprint(w, "c: remote\nd: remote\n")
		default:
			http.Error(w, "nope", http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)

	src := "version: v1.1.0\nalias:\n  src:\n    - first.yaml\n    - ./second.yaml\n    - " + srv.URL + "/remote.yaml?sig=secret\n  values:\n    d: inline\nsteps: $a $b $c $d $bash $curl\n"
	opts := Options{Dir: dir, HTTPClient: srv.Client(), FetchURLs: true, Aliases: map[string]string{"curl": "local/curl", "bash": "local/bash"}}
	doc, r := expandRender(t, src, testData(), opts)
	want := "steps: first second remote inline first-bash local/curl"
	if !strings.Contains(r.Text, want) {
		t.Errorf("rendered %q, want it to contain %q", r.Text, want)
	}
	if doc.Aliases["curl"] != "local/curl" {
		t.Errorf("option alias not applied: %q", doc.Aliases["curl"])
	}

	// relative to the task file's directory by default
	taskFile := filepath.Join(dir, "task.yaml")
	d2, err := Expand(context.Background(), taskFile, []byte("version: v1.1.0\nalias:\n  src: [second.yaml]\nx: $b\n"), testData(), Options{})
	if err != nil || !strings.Contains(d2.Text, "x: second") {
		t.Errorf("src relative to task dir: %v %q", err, d2.Text)
	}

	// a failing URL is positioned at its src entry and redacts the query
	_, err = Expand(context.Background(), "task.yaml", []byte("version: v1.1.0\nalias:\n  src:\n    - "+srv.URL+"/missing?sig=secret\n"), testData(), Options{HTTPClient: srv.Client(), FetchURLs: true})
	var d diag.Diagnostic
	if !errors.As(err, &d) || d.Pos.Line != 4 || !strings.Contains(err.Error(), "status 404") || strings.Contains(err.Error(), "secret") {
		t.Errorf("missing URL error = %v", err)
	}
}

func TestAliasFetchTimeout(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(block); srv.Close() })
	_, err := Expand(context.Background(), "task.yaml", []byte("version: v1.1.0\nalias:\n  src: ["+srv.URL+"]\n"), testData(),
		Options{HTTPClient: srv.Client(), FetchURLs: true, FetchTimeout: 50e6})
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("err = %v, want a deadline error", err)
	}
}

func TestAliasValidation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("ok: 1\nbad_key: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "list.yaml"), []byte("- a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, src string
		want      []string // "line:col: message" fragments
	}{
		{"long directive", "version: v1.1.0\nalias:\n  directive: '&&'\n", []string{"task.yaml:3:14: the alias directive must be exactly one character"}},
		{"empty directive", "version: v1.1.0\nalias:\n  directive: ''\n", []string{"task.yaml:3:14: the alias directive must be exactly one"}},
		{"alnum directive", "version: v1.1.0\nalias:\n  directive: a\n", []string{"task.yaml:3:14: the alias directive must not be a letter or digit"}},
		{"blank directive", "version: v1.1.0\nalias:\n  directive: ' '\n", []string{"task.yaml:3:14: the alias directive must not be blank"}},
		{"bad key", "version: v1.1.0\nalias:\n  values:\n    ok: 1\n    my_alias: x\n    my-alias: y\n", []string{
			`task.yaml:5:5: alias name "my_alias" must be letters and digits only`,
			`task.yaml:6:5: alias name "my-alias" must be letters and digits only`,
		}},
		{"non-string value", "version: v1.1.0\nalias:\n  values:\n    a: [1]\n", []string{`task.yaml:4:8: alias "a" must be a string`}},
		{"unknown key", "version: v1.1.0\nalias:\n  vals:\n    a: b\n", []string{`task.yaml:3:3: unknown alias key "vals"`}},
		{"bad src key", "version: v1.1.0\nalias:\n  src: [bad.yaml]\n", []string{`bad.yaml:2:1: alias name "bad_key" must be letters and digits only`}},
		{"src not a map", "version: v1.1.0\nalias:\n  src: [list.yaml]\n", []string{`list.yaml:1:1: alias src must be a map`}},
		{"missing src", "version: v1.1.0\nalias:\n  src: [nope.yaml]\n", []string{`task.yaml:3:9: alias src`, "nope.yaml"}},
		{"duplicate block", "version: v1.1.0\nalias:\n  values: {a: b}\nsteps: []\nalias:\n", []string{"task.yaml:5:1: duplicate alias block (the first is at line 2)"}},
		{"yaml error", "version: v1.1.0\n\nalias:\n  values: [\n", []string{"task.yaml:", "alias block: yaml:"}},
		{"template error in block", "version: v1.1.0\nalias:\n  values:\n    a: {{ .Values.x.y }}\n", []string{"task.yaml:4:"}},
		{"after a multi-line template", "version: v1.1.0\nalias:\n  values:\n    a: {{ \"x\\n    b: y\" }}\n    c_d: 1\n", []string{`task.yaml:5:5: alias name "c_d" must be letters and digits only`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Expand(context.Background(), "task.yaml", []byte(tt.src), testData(), Options{Dir: dir})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestDefaultAliases(t *testing.T) {
	t.Parallel()
	a := DefaultAliases("linux")
	a["bash"] = "changed"
	if DefaultAliases("linux")["bash"] != DefaultBashImage {
		t.Error("DefaultAliases shares state")
	}
	if _, ok := DefaultAliases("windows")["bash"]; ok {
		t.Error("windows has image aliases")
	}
	if _, ok := DefaultAliases("linux")["TaskName"]; ok {
		t.Error("TaskName has an alias")
	}
	m := map[string]string{}
	if err := SetAlias(m, "bash=localhost:5000/bash:5"); err != nil || m["bash"] != "localhost:5000/bash:5" {
		t.Errorf("SetAlias: %v %v", err, m)
	}
	for _, bad := range []string{"bash", "ba_sh=x", "=x"} {
		if err := SetAlias(m, bad); err == nil {
			t.Errorf("SetAlias(%q) did not fail", bad)
		}
	}
	if _, err := Expand(context.Background(), "t.yaml", []byte("version: v1.1.0\n"), testData(), Options{Aliases: map[string]string{"a-b": "x"}}); err == nil {
		t.Error("invalid option alias accepted")
	}
}

func TestDocumentPos(t *testing.T) {
	t.Parallel()
	src := "version: v1.1.0\nalias:\n  values:\n    m: |\n      a\n      b\nsteps:\n  - cmd: $m $ID x\n  - cmd: y\n"
	doc, err := Expand(context.Background(), "t.yaml", []byte(src), testData(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Text line 8 is "  - cmd: a", line 9 is "b" from the alias (both from
	// original line 8), line 11 is "  - cmd: y" (original line 9).
	lines := strings.Split(doc.Text, "\n")
	if lines[10] != "  - cmd: y" {
		t.Fatalf("unexpected Text:\n%s", doc.Text)
	}
	for _, tt := range []struct{ line, col, wantLine, wantCol int }{
		{1, 1, 1, 1}, {8, 3, 8, 3}, {9, 1, 8, 10}, {11, 5, 9, 5}, {11, 0, 9, 0},
	} {
		p := doc.Pos(tt.line, tt.col)
		if p.File != "t.yaml" || p.Line != tt.wantLine || p.Col != tt.wantCol {
			t.Errorf("Pos(%d,%d) = %v, want t.yaml:%d:%d", tt.line, tt.col, p, tt.wantLine, tt.wantCol)
		}
	}
	if x := strings.Index(lines[9], "{{.Run.ID}} x"); x < 0 {
		t.Errorf("line 10 = %q", lines[9])
	} else if p := doc.Pos(10, x+len("{{.Run.ID}} ")+1); p.Line != 8 || p.Col != 17 {
		t.Errorf("Pos after alias = %v, want t.yaml:8:17", p)
	}
}
