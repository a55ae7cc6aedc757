package secrets

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
)

// Length limits for masking; see the package documentation.
const (
	minValueLen  = 3 // shorter values are not masked
	minLineLen   = 4 // shorter lines of multi-line values are not masked
	minBase64Sub = 6 // shorter base64 fragments are not masked
)

// base64WrapWidths are the line lengths base64 tools wrap at: 76 for
// coreutils' base64 and MIME, 64 for openssl and PEM.
var base64WrapWidths = []int{64, 76}

var base64Encodings = []*base64.Encoding{
	base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
}

// patternsFor returns the patterns that mask v.
func patternsFor(v string) []string {
	var out []string
	add := func(p string, minLen int) {
		if len(p) >= minLen {
			out = append(out, p)
		}
	}
	forms := []string{v}
	if t := strings.TrimSpace(v); t != v {
		forms = append(forms, t)
	}
	for _, f := range forms {
		if len(f) < minValueLen {
			continue
		}
		add(f, minValueLen)
		for _, enc := range base64Encodings {
			add(enc.EncodeToString([]byte(f)), minValueLen)
		}
		for shift := range 3 {
			for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				add(base64Core(enc, f, shift), minBase64Sub)
			}
		}
		if std := base64.StdEncoding.EncodeToString([]byte(f)); len(std) > base64WrapWidths[0] {
			// Wrapped base64 (`base64` prints 76 columns): each line is a
			// fixed piece of the encoding, masked on its own.
			for _, w := range base64WrapWidths {
				for i := 0; i < len(std); i += w {
					add(std[i:min(i+w, len(std))], minBase64Sub)
				}
			}
		}
		for _, q := range jsonEscapes(f) {
			if q != f {
				add(q, minValueLen)
			}
		}
		if q := url.QueryEscape(f); q != f {
			add(q, minValueLen)
		}
		if q := url.PathEscape(f); q != f {
			add(q, minValueLen)
		}
		if strings.Contains(f, "\n") {
			if crlf := strings.ReplaceAll(strings.ReplaceAll(f, "\r\n", "\n"), "\n", "\r\n"); crlf != f {
				add(crlf, minValueLen)
			}
			for line := range strings.SplitSeq(f, "\n") {
				add(strings.TrimSuffix(line, "\r"), minLineLen)
			}
		}
	}
	return out
}

// base64Core returns the characters of the encoding of v that do not depend
// on the surrounding bytes when v starts at byte offset shift (mod 3) of a
// longer encoded text.
func base64Core(enc *base64.Encoding, v string, shift int) string {
	data := make([]byte, shift+len(v))
	copy(data[shift:], v)
	s := enc.EncodeToString(data)
	first := (8*shift + 5) / 6       // first character whose 6 bits all come from v
	last := 8 * (shift + len(v)) / 6 // characters before this one end inside v
	if last <= first {
		return ""
	}
	return s[first:last]
}

// jsonEscapes returns v as it appears inside a JSON string: with HTML
// characters escaped (encoding/json's default) and without.
func jsonEscapes(v string) []string {
	var out []string
	for _, html := range []bool{true, false} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if enc.Encode(v) != nil {
			continue
		}
		q := strings.TrimSuffix(b.String(), "\n") // Encode ends with a newline
		out = append(out, q[1:len(q)-1])          // without the quotes
	}
	return out
}
