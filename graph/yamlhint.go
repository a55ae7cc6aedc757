package graph

import (
	"bytes"
	"strings"
)

// yamlSpot is where a YAML syntax error really is, and what to do about
// it. The YAML library names the line of the enclosing construct (a tab on
// line 4 is reported at line 3; a parser error at the 0-based line of its
// context) and no column, so the source around the reported line is looked
// at for the usual causes.
type yamlSpot struct {
	line, col int
	hint      string
}

// locateYAMLError refines the position of a yaml.v3 error msg reported at
// line of src; it returns the reported line and no column or hint when no
// known cause is found.
func locateYAMLError(src []byte, line int, msg string) yamlSpot {
	lines := strings.Split(string(bytes.TrimSuffix(src, []byte("\n"))), "\n")
	get := func(n int) (string, bool) {
		if n < 1 || n > len(lines) {
			return "", false
		}
		return strings.TrimSuffix(lines[n-1], "\r"), true
	}
	spot := yamlSpot{line: line}
	switch {
	case strings.Contains(msg, "tab character"), strings.Contains(msg, "cannot start any token"):
		for n := line; n <= line+2; n++ {
			l, ok := get(n)
			if !ok {
				break
			}
			if i := strings.IndexByte(l[:len(l)-len(strings.TrimLeft(l, " \t"))], '\t'); i >= 0 {
				return yamlSpot{n, i + 1, "indent with spaces: YAML does not allow tabs in indentation"}
			}
		}
		if l, ok := get(line); ok {
			if i := valueStart(l); i >= 0 && i < len(l) && (l[i] == '@' || l[i] == '`' || l[i] == '%') {
				return yamlSpot{line, i + 1, "a plain value cannot start with " + string(l[i]) + "; quote the value"}
			}
		}
	case strings.Contains(msg, "mapping values are not allowed"):
		for _, n := range []int{line, line + 1} {
			l, ok := get(n)
			if !ok {
				continue
			}
			i := valueStart(l)
			if i < 0 || i >= len(l) || l[i] == '"' || l[i] == '\'' || l[i] == '|' || l[i] == '>' {
				continue
			}
			if j := strings.Index(l[i:]+" ", ": "); j >= 0 && !strings.HasPrefix(strings.TrimSpace(l[i+j:]), ": #") {
				return yamlSpot{n, i + j + 1, `the value holds ": ", which YAML reads as a mapping; quote the value, for example cmd: "bb echo key: value"`}
			}
		}
		if l, ok := get(line); ok {
			indent := len(l) - len(strings.TrimLeft(l, " "))
			return yamlSpot{line, indent + 1, "check this line's indentation against the lines above"}
		}
	case strings.HasPrefix(msg, "did not find expected ',' or ']'"), strings.HasPrefix(msg, "did not find expected ',' or '}'"):
		open := byte('[')
		if strings.HasSuffix(msg, "'}'") {
			open = '{'
		}
		for _, n := range []int{line + 1, line} {
			if l, ok := get(n); ok {
				if i := strings.IndexByte(l, open); i >= 0 {
					return yamlSpot{n, i + 1, "this " + string(open) + " is not closed on its line; close it or quote the value"}
				}
			}
		}
	case strings.Contains(msg, "did not find expected key"), strings.Contains(msg, "did not find expected '-' indicator"):
		if l, ok := get(line + 1); ok {
			indent := len(l) - len(strings.TrimLeft(l, " "))
			return yamlSpot{line + 1, indent + 1, "check this line's indentation against the lines above"}
		}
	case strings.Contains(msg, "found unexpected end of stream"), strings.Contains(msg, "did not find expected"):
		for n := line; n <= line+1; n++ {
			if l, ok := get(n); ok {
				if i := valueStart(l); i >= 0 && i < len(l) && (l[i] == '"' || l[i] == '\'') && strings.Count(l[i:], l[i:i+1]) == 1 {
					return yamlSpot{n, i + 1, "this quoted value is not closed"}
				}
			}
		}
	}
	return spot
}

// valueStart returns the index of the value in a "key: value" or
// "- key: value" or "- value" line, or -1.
func valueStart(l string) int {
	i := len(l) - len(strings.TrimLeft(l, " \t"))
	for strings.HasPrefix(l[i:], "- ") {
		i += 2
		for i < len(l) && l[i] == ' ' {
			i++
		}
	}
	if l[i:] == "" || l[i] == '"' || l[i] == '\'' {
		return i
	}
	if j := strings.Index(l[i:], ": "); j >= 0 {
		k := i + j + 2
		for k < len(l) && l[k] == ' ' {
			k++
		}
		return k
	}
	return i
}
