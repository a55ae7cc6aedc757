package graph

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hasSpace reports whether s contains any Unicode white space.
func hasSpace(s string) bool {
	return strings.IndexFunc(s, unicode.IsSpace) >= 0
}

// printableID reports whether id is valid UTF-8 without control characters
// (newlines, terminal escapes) or format characters (bidirectional
// overrides), so it prints as it reads.
func printableID(id string) bool {
	if !utf8.ValidString(id) {
		return false
	}
	return strings.IndexFunc(id, func(r rune) bool {
		return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}) < 0
}

// isGUID reports whether s is a GUID in the 8-4-4-4-12 hex form, optionally
// in braces.
func isGUID(s string) bool {
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// isVolumeName matches ^[a-zA-Z0-9-_]+$.
func isVolumeName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// isFileName matches ^[a-zA-Z0-9-_.]+$.
func isFileName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// isAbsPath accepts /unix/paths and c:\windows or c:/windows paths.
func isAbsPath(s string) bool {
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, `\`) {
		return true
	}
	return len(s) >= 3 && isAlnum(s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/')
}

// sortedKeys returns the keys of a set, sorted.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// stringIndex finds a string's position in a short list: a linear scan for
// a few entries, a map beyond that, so long lists stay linear overall.
type stringIndex struct {
	m map[string]int
}

const stringIndexMapMin = 16

func newStringIndex(n int) stringIndex {
	if n > stringIndexMapMin {
		return stringIndex{m: make(map[string]int, n)}
	}
	return stringIndex{}
}

func (x stringIndex) add(s string, i int) {
	if x.m != nil {
		x.m[s] = i
	}
}

func (x stringIndex) index(list []string, s string) int {
	if x.m != nil {
		if i, ok := x.m[s]; ok {
			return i
		}
		return -1
	}
	return indexOf(list, s)
}
