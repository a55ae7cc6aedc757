package secrets

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestMaskWrappedBase64 masks what the base64 tool prints for a long secret
// (wrapped at 76 columns, or 64 as openssl does), as a string and streamed
// in small chunks.
func TestMaskWrappedBase64(t *testing.T) {
	t.Parallel()
	secret := strings.Repeat("correct-horse-battery-staple/", 7) // 203 bytes: 4 lines at 76
	m := NewMasker(secret)
	for _, width := range []string{"76", "64"} {
		cmd := exec.Command("base64", "-w", width)
		cmd.Stdin = strings.NewReader(secret)
		encoded, err := cmd.Output()
		if err != nil {
			t.Fatalf("base64 -w %s: %v", width, err)
		}
		if lines := strings.Count(string(encoded), "\n"); lines < 3 {
			t.Fatalf("base64 -w %s printed %d lines; the test needs wrapped output", width, lines)
		}
		want := strings.Repeat("***\n", strings.Count(string(encoded), "\n"))
		if got := m.String(string(encoded)); got != want {
			t.Errorf("width %s: String = %q; want %q", width, got, want)
		}
		var out bytes.Buffer
		w := m.Writer(&out)
		for i := 0; i < len(encoded); i += 7 {
			if _, err := w.Write(encoded[i:min(i+7, len(encoded))]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("width %s: streamed = %q; want %q", width, out.String(), want)
		}
	}
}

// TestMaskJSONEscaped masks a value with quotes, backslashes, newlines and
// HTML characters as it appears inside a JSON document.
func TestMaskJSONEscaped(t *testing.T) {
	t.Parallel()
	secret := "p\"a\\ss\nw<0>rd&\ttail"
	m := NewMasker(secret)
	doc, err := json.Marshal(map[string]string{"password": secret})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.String(string(doc)), `{"password":"***"}`; got != want {
		t.Errorf("String(%s) = %s; want %s", doc, got, want)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]string{"password": secret}); err != nil {
		t.Fatal(err)
	}
	if got, want := m.String(b.String()), "{\"password\":\"***\"}\n"; got != want {
		t.Errorf("String(%s) = %s; want %s", b.String(), got, want)
	}
}
