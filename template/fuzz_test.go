package template

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/acb-dev/acb/internal/diag"
)

// refSubstitute is a deliberately naive rune-by-rune implementation of the
// substitution rules, used as the oracle for FuzzSubstitute.
func refSubstitute(text string, dir rune, aliases map[string]string) string {
	var b strings.Builder
	rs := []rune(text)
	// work on bytes for invalid UTF-8 fidelity: fall back to the byte string
	if string(rs) != text {
		return Substitute(text, dir, aliases)
	}
	for i := 0; i < len(rs); i++ {
		if rs[i] != dir {
			b.WriteRune(rs[i])
			continue
		}
		if i+1 < len(rs) && rs[i+1] == dir {
			b.WriteRune(dir)
			i++
			continue
		}
		j := i + 1
		for j < len(rs) && rs[j] < utf8.RuneSelf && isAlnum(byte(rs[j])) {
			j++
		}
		name := string(rs[i+1 : j])
		if v, ok := aliases[name]; ok && name != "" {
			b.WriteString(v)
		} else {
			b.WriteString(string(rs[i:j]))
		}
		i = j - 1
	}
	return b.String()
}

var fuzzAliases = map[string]string{
	"ID": "{{.Run.ID}}", "Registry": "{{.Run.Registry}}", "a": "A", "ab": "$a", "nl": "x\ny", "empty": "",
}

func FuzzSubstitute(f *testing.F) {
	for _, s := range []string{
		"", "$", "$$", "$$$", "$ID", "$Registry$ID", "$$ID", "$(date) $HOME ${X}", "$ab$a", "a$nl b", "$empty$",
		"🐳ID 🐳🐳", "é$a", "\xff$a\xfe", "$ID-amd64:$a/x",
	} {
		f.Add(s, int32('$'))
		f.Add(s, int32('🐳'))
	}
	for _, p := range sampleSeeds(f) {
		f.Add(p, int32('$'))
	}
	f.Fuzz(func(t *testing.T, text string, d int32) {
		dir := rune(d)
		out, m := substitute(text, dir, fuzzAliases)
		if dir == utf8.RuneError || !utf8.ValidRune(dir) {
			if out != text {
				t.Fatalf("invalid directive changed the text")
			}
			return
		}
		if want := refSubstitute(text, dir, fuzzAliases); out != want {
			t.Fatalf("Substitute(%q, %q) = %q, oracle %q", text, dir, out, want)
		}
		if !strings.ContainsRune(text, dir) && out != text {
			t.Fatalf("text without directive changed")
		}
		// the offset map stays in range and literal bytes map to themselves
		for i := 0; i < len(out); i++ {
			s := m.src(i)
			if s < 0 || s > len(text) {
				t.Fatalf("offset %d maps to %d, outside [0,%d]", i, s, len(text))
			}
		}
		for k, seg := range m {
			if !seg.lit {
				continue
			}
			end := len(out)
			if k+1 < len(m) {
				end = m[k+1].out
			}
			if seg.src+(end-seg.out) > len(text) || out[seg.out:end] != text[seg.src:seg.src+(end-seg.out)] {
				t.Fatalf("literal segment %+v does not match the input", seg)
			}
		}
	})
}

// sampleSeeds returns the sample task files as seeds, or nothing when the
// corpus is absent.
func sampleSeeds(f *testing.F) []string {
	if samplesDir() == "" {
		return nil
	}
	var out []string
	for _, p := range sampleFiles(f) {
		if b, err := os.ReadFile(p); err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

func FuzzExpandRender(f *testing.F) {
	for _, s := range []string{
		"",
		"version: v1.1.0\nsteps:\n  - cmd: bash echo $ID\n",
		"version: v1.1.0\nalias:\n  values:\n    a: {{ .Values.x | default \"d\" }}\n    m: |\n      1\n      2\n  directive: '&'\nsteps: &a &m {{ .Run.ID }}\n",
		"version: v1.1.0\nalias:\n  directive: 🐳\nsteps: 🐳Registry\n",
		"steps:\n  - cmd: |\n      # kept\n      {{ .Values.missing }}\n# gone {{ bad\n",
		"a: {{ if .Values.x }}\n{{ end }}{{ range $i, $e := list 1 2 }}\n- {{ $e }}\n{{ end }}",
		"version: v1.1.0\nalias:\n  src: [nonexistent.yaml]\n",
		"a: {{ .Values.a.b }}",
		"{{ define \"x\" }}{{ . }}{{ end }}{{ template \"x\" \"\\n\\n\" }}",
		"version: v1.1.0\nalias:\nalias:\n",
	} {
		f.Add(s)
	}
	for _, p := range sampleSeeds(f) {
		f.Add(p)
	}
	data := testData()
	data.Values["x"] = "line1\nline2"
	offline := &http.Client{Transport: refuseTransport{}}
	f.Fuzz(func(t *testing.T, src string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srcLines := strings.Count(src, "\n") + 1
		checkErr := func(err error) {
			var d diag.Diagnostic
			var l diag.List
			switch {
			case errors.As(err, &d):
				if d.Pos.Line > srcLines && d.Pos.File == "fuzz.yaml" {
					t.Fatalf("error line %d beyond %d lines: %v", d.Pos.Line, srcLines, err)
				}
			case errors.As(err, &l):
			case errors.Is(err, context.DeadlineExceeded), errors.Is(err, ErrOutputLimit):
			default:
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
		doc, err := Expand(ctx, "fuzz.yaml", []byte(src), data, Options{Dir: t.TempDir(), HTTPClient: offline,
			Render: RenderOptions{MaxOutput: 1 << 20}})
		if err != nil {
			checkErr(err)
			return
		}
		if strings.Count(doc.Text, "\n") < strings.Count(src, "\n") {
			t.Fatalf("Expand lost lines")
		}
		r, err := doc.Render(ctx, data, RenderOptions{MaxOutput: 1 << 20})
		if err != nil {
			checkErr(err)
			return
		}
		n := strings.Count(r.Text, "\n") + 1
		for i := 1; i <= n; i++ {
			if l := r.OrigLine(i); l < 1 || l > srcLines {
				t.Fatalf("OrigLine(%d) = %d, outside 1..%d", i, l, srcLines)
			}
		}
	})
}

// refuseTransport fails every request, keeping fuzzing off the network.
type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("network disabled in fuzzing")
}
