package secrets

import (
	"strings"
	"testing"
)

// FuzzMaskWriter checks that masking a stream in arbitrary chunks gives the
// one-shot result and the reference result, and leaks no secret.
func FuzzMaskWriter(f *testing.F) {
	f.Add("secret\x00other", "a secret and other secret", []byte{1, 2, 3})
	f.Add("aaa", "aaaaaaaaaa", []byte{1})
	f.Add("abc\x00abcdef\x00def", "abcdefabcdef", []byte{2, 5})
	f.Add("line-1\nline-2", "x line-1\r\nline-2\n", []byte{4})
	f.Add("hunter2", "aHVudGVyMg== aHVudGVyMg", []byte{3, 1})
	f.Fuzz(func(t *testing.T, values, text string, chunks []byte) {
		secrets := strings.Split(values, "\x00")
		if len(secrets) > 8 || len(values) > 200 {
			return
		}
		m := NewMasker(secrets...)
		want := naiveMask(m.patternList(), text)
		if got := m.String(text); got != want {
			t.Fatalf("String(%q) = %q; want %q", text, got, want)
		}
		i := 0
		got := writeChunks(t, m, text, func(int) int {
			if len(chunks) == 0 {
				return len(text)
			}
			n := int(chunks[i%len(chunks)])
			i++
			return n
		})
		if got != want {
			t.Fatalf("chunked %v: %q; want %q", chunks, got, want)
		}
		for _, s := range secrets {
			if len(s) >= minValueLen && !strings.Contains(s, "*") && strings.Contains(got, s) {
				t.Fatalf("output %q contains secret %q", got, s)
			}
		}
	})
}
