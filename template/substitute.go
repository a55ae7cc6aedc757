package template

import (
	"strings"
	"unicode/utf8"
)

// DefaultDirective is the alias directive unless alias.directive sets one.
const DefaultDirective = '$'

// Substitute replaces directive-prefixed alias names in text, in a single
// pass, as acr-builder's preprocessString does: a name is the longest run of
// [A-Za-z0-9] after the directive; a defined name is replaced by its value
// (values are not rescanned); an undefined name is left exactly as written
// ($HOME, $MY_SECRET, $(date) survive), and so is a directive right after it
// ($FOO$ID stays $FOO$ID); a doubled directive produces one directive
// character. Consecutive defined names chain ($Registry$ID). An invalid
// directive rune (utf8.RuneError or not a valid rune) leaves text unchanged.
func Substitute(text string, directive rune, aliases map[string]string) string {
	out, _ := substitute(text, directive, aliases)
	return out
}

// substitute is Substitute that also returns the output-to-input offset map.
func substitute(text string, directive rune, aliases map[string]string) (string, offsetMap) {
	if directive == utf8.RuneError || !utf8.ValidRune(directive) {
		return text, nil
	}
	dir := string(directive)
	first := strings.Index(text, dir)
	if first < 0 {
		return text, nil
	}
	var b strings.Builder
	b.Grow(len(text) + len(text)/8)
	var m offsetMap
	copyLit := func(from, to int) {
		if from < to {
			m.add(b.Len(), from, true)
			b.WriteString(text[from:to])
		}
	}
	i := 0
	for j := first; j >= 0; {
		j += i
		copyLit(i, j)
		k := j + len(dir)
		switch {
		case strings.HasPrefix(text[k:], dir):
			copyLit(j, k) // one directive for two
			i = k + len(dir)
		default:
			e := k
			for e < len(text) && isAlnum(text[e]) {
				e++
			}
			if v, ok := aliases[text[k:e]]; ok && e > k {
				if v != "" {
					m.add(b.Len(), j, false)
					b.WriteString(v)
				}
			} else {
				if e > k && strings.HasPrefix(text[e:], dir) {
					// acr-builder ends an unknown name together with the
					// directive after it, so "$FOO$ID" stays as written.
					e += len(dir)
				}
				copyLit(j, e)
			}
			i = e
		}
		j = strings.Index(text[i:], dir)
	}
	copyLit(i, len(text))
	if len(m) == 0 {
		m.add(0, 0, true)
	}
	return b.String(), m
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// validAliasName reports whether name matches [A-Za-z0-9]+.
func validAliasName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isAlnum(name[i]) {
			return false
		}
	}
	return true
}
