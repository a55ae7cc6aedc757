package secrets

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// writeChunks writes s to a new MaskWriter in the given chunk sizes and
// returns the output after Close.
func writeChunks(t testing.TB, m *Masker, s string, sizes func(rest int) int) string {
	t.Helper()
	var b bytes.Buffer
	w := m.Writer(&b)
	for len(s) > 0 {
		n := min(max(sizes(len(s)), 1), len(s))
		if k, err := w.Write([]byte(s[:n])); err != nil || k != n {
			t.Fatalf("Write = %d, %v", k, err)
		}
		s = s[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return b.String()
}

// randomCase builds random secrets over a small alphabet (so that they
// overlap and share prefixes) and a text that embeds them and their encodings.
func randomCase(r *rand.Rand) (secrets []string, text string) {
	const alphabet = "abcab\n:=xyz0"
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 1 + r.IntN(6) {
		secrets = append(secrets, word(1+r.IntN(12)))
	}
	m := NewMasker(secrets...)
	pats := m.patternList()
	var b strings.Builder
	for range r.IntN(40) {
		switch r.IntN(3) {
		case 0:
			b.WriteString(word(r.IntN(10)))
		case 1:
			b.WriteString(secrets[r.IntN(len(secrets))])
		default:
			if len(pats) > 0 {
				p := pats[r.IntN(len(pats))]
				b.WriteString(p[r.IntN(len(p)):]) // a suffix: partial overlaps
				if r.IntN(2) == 0 {
					b.WriteString(p)
				}
			}
		}
	}
	return secrets, b.String()
}

func TestWriterProperty(t *testing.T) {
	t.Parallel()
	for seed := range uint64(1000) {
		r := rand.New(rand.NewPCG(seed, 42))
		secrets, text := randomCase(r)
		m := NewMasker(secrets...)
		want := naiveMask(m.patternList(), text)
		if got := m.String(text); got != want {
			t.Fatalf("seed %d: String(%q) = %q; want %q (secrets %q)", seed, text, got, want, secrets)
		}
		got := writeChunks(t, m, text, func(int) int { return 1 + r.IntN(8) })
		if got != want {
			t.Fatalf("seed %d: chunked output of %q = %q; want %q (secrets %q)", seed, text, got, want, secrets)
		}
		if got := writeChunks(t, m, text, func(int) int { return 1 }); got != want {
			t.Fatalf("seed %d: byte-wise output = %q; want %q", seed, got, want)
		}
		for _, s := range secrets {
			if len(s) >= minValueLen && strings.Contains(got, s) {
				t.Fatalf("seed %d: output %q contains secret %q", seed, got, s)
			}
		}
	}
}

func TestWriterSplitSecret(t *testing.T) {
	t.Parallel()
	m := NewMasker("supersecret")
	var b bytes.Buffer
	w := m.Writer(&b)
	w.Write([]byte("token=super"))
	if got := b.String(); got != "token=" {
		t.Errorf("after first half: %q; want the possible prefix held back", got)
	}
	w.Write([]byte("secret\nnext"))
	if got := b.String(); got != "token=***\nnext" {
		t.Errorf("after second half: %q", got)
	}
	w.Close()
	if got := b.String(); got != "token=***\nnext" {
		t.Errorf("after Close: %q", got)
	}
}

func TestWriterLineNotDelayed(t *testing.T) {
	t.Parallel()
	// "ab" is too short to be masked as a line of its own.
	m := NewMasker("secret-one", "ab\ncdef-secret")
	var b bytes.Buffer
	w := m.Writer(&b)
	w.Write([]byte("plain line ending in secret-\n"))
	if got := b.String(); got != "plain line ending in secret-\n" {
		t.Errorf("line delayed: %q", got)
	}
	// A line that may start a multi-line secret is held until the next.
	w.Write([]byte("ab\n"))
	if got := b.String(); got != "plain line ending in secret-\n" {
		t.Errorf("possible multi-line secret start not held: %q", got)
	}
	w.Write([]byte("cdef-secret!\n"))
	if got := b.String(); got != "plain line ending in secret-\n***!\n" {
		t.Errorf("multi-line secret: %q", got)
	}
	// Not the secret after all: released with the next line.
	w.Write([]byte("ab\n"))
	w.Write([]byte("cd\n"))
	if got := b.String(); got != "plain line ending in secret-\n***!\nab\ncd\n" {
		t.Errorf("false start: %q", got)
	}
}

func TestWriterHoldbackBounded(t *testing.T) {
	t.Parallel()
	m := NewMasker("aaa")
	var b bytes.Buffer
	w := m.Writer(&b)
	// An unbounded run of matches must not keep raw bytes.
	for range 1000 {
		w.Write(bytes.Repeat([]byte("a"), 1000))
	}
	if len(w.sc.raw) > 3 {
		t.Errorf("raw holdback %d bytes", len(w.sc.raw))
	}
	w.Write([]byte("b"))
	w.Flush()
	if got := b.String(); got != "***b" {
		t.Errorf("output = %q", got)
	}
}

func TestWriterFlushReleasesPrefix(t *testing.T) {
	t.Parallel()
	m := NewMasker("password")
	var b bytes.Buffer
	w := m.Writer(&b)
	w.Write([]byte("enter pass"))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "enter pass" {
		t.Errorf("after Flush: %q", got)
	}
}

func TestWriterAddWhileStreaming(t *testing.T) {
	t.Parallel()
	m := NewMasker("first-secret")
	var b bytes.Buffer
	w := m.Writer(&b)
	w.Write([]byte("first-sec"))            // held: prefix of first-secret
	m.Add("sec-token")                      // discovered at run time
	w.Write([]byte("-token and sec-token")) // "first-sec" + "-token" is now a secret
	w.Write([]byte(" and first-secret\n"))
	w.Close()
	if got, want := b.String(), "first-*** and *** and ***\n"; got != want {
		t.Errorf("output = %q; want %q", got, want)
	}
}

func TestWriterStartsWithoutValues(t *testing.T) {
	t.Parallel()
	m := NewMasker()
	var b bytes.Buffer
	w := m.Writer(&b)
	w.Write([]byte("before tok3n\n"))
	m.Add("tok3n")
	w.Write([]byte("after tok3n\n"))
	w.Close()
	if got, want := b.String(), "before tok3n\nafter ***\n"; got != want {
		t.Errorf("output = %q; want %q", got, want)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("boom")
	}
	f.n--
	return len(p), nil
}

func TestWriterErrors(t *testing.T) {
	t.Parallel()
	m := NewMasker("secret")
	w := m.Writer(&failWriter{n: 1})
	if _, err := w.Write([]byte("ok\n")); err != nil {
		t.Fatalf("first write: %v", err)
	}
	if _, err := w.Write([]byte("fails\n")); err == nil {
		t.Fatal("second write: no error")
	}
	if _, err := w.Write([]byte("x\n")); err == nil || err.Error() != "boom" {
		t.Errorf("sticky error = %v", err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after error: nil")
	}

	w = m.Writer(&bytes.Buffer{})
	w.Close()
	if _, err := w.Write([]byte("x")); !errors.Is(err, errClosed) {
		t.Errorf("Write after Close = %v", err)
	}
}

func TestWriterConcurrent(t *testing.T) {
	t.Parallel()
	m := NewMasker("concurrent-secret")
	var b bytes.Buffer
	w := m.Writer(&b)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 200 {
				w.Write([]byte("line concurrent-secret\n"))
				if i == 0 {
					m.Add("line")
				}
			}
		})
	}
	wg.Wait()
	w.Close()
	if strings.Contains(b.String(), "concurrent-secret") {
		t.Error("secret leaked")
	}
}
