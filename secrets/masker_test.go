package secrets

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
)

// naiveMask is the reference: find every occurrence of every pattern, merge
// overlapping occurrences, replace each merged region with the mask.
func naiveMask(patterns []string, s string) string {
	var spans []span
	for _, p := range patterns {
		for i := 0; i+len(p) <= len(s); i++ {
			if s[i:i+len(p)] == p {
				spans = append(spans, span{int64(i), int64(i + len(p))})
			}
		}
	}
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return int(a.start - b.start) })
	var merged []span
	for _, sp := range spans {
		if n := len(merged); n > 0 && sp.start < merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	var b strings.Builder
	cur := int64(0)
	for _, sp := range merged {
		b.WriteString(s[cur:sp.start])
		b.WriteString(mask)
		cur = sp.end
	}
	b.WriteString(s[cur:])
	return b.String()
}

func (m *Masker) patternList() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for p := range m.patterns {
		out = append(out, p)
	}
	return out
}

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string
		in     string
		want   string
	}{
		{"no values", nil, "hello", "hello"},
		{"simple", []string{"hunter2"}, "pw=hunter2.", "pw=***."},
		{"every occurrence", []string{"tok"}, "tok tok toktok", "*** *** ******"},
		{"self overlap masked whole", []string{"aaa"}, "xaaaaay", "x***y"},
		{"longest wins at same start", []string{"abc", "abcdef"}, "1abcdef2abc3", "1***2***3"},
		{"prefix of another", []string{"pass", "password"}, "password pass passwor", "*** *** ***wor"},
		{"overlapping secrets merge", []string{"abcdef", "defghi"}, "xabcdefghiy", "x***y"},
		{"contained secret", []string{"secretvalue", "ret"}, "mysecretvalue!", "my***!"},
		{"adjacent secrets", []string{"abc", "def"}, "abcdef", "******"},
		{"short values ignored", []string{"", "a", "ab"}, "a ab abc", "a ab abc"},
		{"three chars masked", []string{"abc"}, "a ab abc", "a ab ***"},
		{"trimmed value", []string{"s3cr3t\n"}, "value: s3cr3t end", "value: *** end"},
		{"base64 std", []string{"hunter2!"}, "x " + base64.StdEncoding.EncodeToString([]byte("hunter2!")) + " y", "x *** y"},
		{"base64 url raw", []string{"\xff\xfe\xfdabc?"}, base64.RawURLEncoding.EncodeToString([]byte("\xff\xfe\xfdabc?")), "***"},
		{"base64 inside docker auth", []string{"sup3rs3cret"},
			`"auth": "` + base64.StdEncoding.EncodeToString([]byte("user:sup3rs3cret")) + `"`, `"auth": "dXNlcjp***A=="`}, // only the fixed core
		{"url escaped", []string{"a b&c=d"}, "https://h/?p=a+b%26c%3Dd", "https://h/?p=***"},
		{"multi-line value", []string{"line-one\nline-two\nxy"}, "line-one\nline-two\nxy", "***"},
		{"multi-line lines alone", []string{"line-one\nline-two\nxy"}, "got line-two and xy", "got *** and xy"},
		{"multi-line crlf", []string{"line-one\nline-two"}, "a\r\nline-one\r\nline-two\r\n", "a\r\n***\r\n"},
		{"utf8", []string{"pässwörd"}, "→pässwörd←", "→***←"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := NewMasker(tt.values...)
			if got := m.String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q; want %q", tt.in, got, tt.want)
			}
			if got := naiveMask(m.patternList(), tt.in); got != tt.want {
				t.Errorf("reference mask(%q) = %q; want %q (test is wrong)", tt.in, got, tt.want)
			}
		})
	}
}

func TestNilAndZeroMasker(t *testing.T) {
	t.Parallel()
	var m *Masker
	m.Add("secret") // no-op, no panic
	if got := m.String("secret"); got != "secret" {
		t.Errorf("nil String = %q", got)
	}
	var b strings.Builder
	w := m.Writer(&b)
	if _, err := w.Write([]byte("secret\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if b.String() != "secret\n" {
		t.Errorf("nil writer output = %q", b.String())
	}

	var z Masker
	if got := z.String("secret"); got != "secret" {
		t.Errorf("zero String = %q", got)
	}
	z.Add("secret")
	if got := z.String("a secret"); got != "a ***" {
		t.Errorf("zero after Add String = %q", got)
	}
}

func TestStringNoMatchReturnsInput(t *testing.T) { // not parallel: AllocsPerRun
	m := NewMasker("secret")
	in := strings.Repeat("no match here ", 10)
	if got := m.String(in); got != in {
		t.Errorf("String = %q", got)
	}
	allocs := testing.AllocsPerRun(10, func() { m.String(in) })
	if allocs > 3 {
		t.Errorf("String without a match allocates %v times", allocs)
	}
}

func TestPatternsFor(t *testing.T) {
	t.Parallel()
	ps := patternsFor("ab")
	if len(ps) != 0 {
		t.Errorf("patternsFor(ab) = %q; want none", ps)
	}
	ps = patternsFor("abc")
	for _, want := range []string{"abc", "YWJj"} {
		if !slices.Contains(ps, want) {
			t.Errorf("patternsFor(abc) = %q; missing %q", ps, want)
		}
	}
	for _, p := range ps {
		if len(p) < minValueLen {
			t.Errorf("pattern %q too short", p)
		}
	}
	// Lines shorter than 4 bytes are not patterns of their own.
	ps = patternsFor("abcd\nxyz\nlong-line")
	if slices.Contains(ps, "xyz") || !slices.Contains(ps, "abcd") || !slices.Contains(ps, "long-line") {
		t.Errorf("patternsFor(multi-line) = %q", ps)
	}
}

func TestBase64Core(t *testing.T) {
	t.Parallel()
	secret := "correct horse battery"
	for prefixLen := range 6 {
		for _, suffix := range []string{"", "x", "yz", "!!!"} {
			in := strings.Repeat("p", prefixLen) + secret + suffix
			enc := base64.StdEncoding.EncodeToString([]byte(in))
			core := base64Core(base64.RawStdEncoding, secret, prefixLen%3)
			if len(core) < minBase64Sub || !strings.Contains(enc, core) {
				t.Errorf("core %q (shift %d) not in %q", core, prefixLen%3, enc)
			}
		}
	}
}
