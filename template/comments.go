package template

import "strings"

// blankComments replaces every comment line (first non-blank character '#')
// that is not inside a YAML block scalar with an empty line. The line count
// is unchanged; see the package documentation for the block-scalar rule.
//
// A comment line inside a block scalar but indented less than its content
// (which YAML cannot parse) is deleted, as acr-builder deletes it; to keep
// the line count, an empty line is added where the block scalar ends, so
// only the lines of that block after the comment move up.
func blankComments(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	inBlock := false
	blockIndent, contentIndent, moved := 0, 0, 0
	var scan continuation
	for start := 0; start <= len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := text[start:end]
		indent, blank := indentOf(line)
		keep, drop := true, false
		switch {
		case inBlock && (blank || indent > blockIndent):
			// content of a block scalar: kept as written, unless it is a
			// comment left of the content, which YAML would end the block at
			switch {
			case blank:
			case contentIndent == 0:
				contentIndent = indent
			case indent < contentIndent && line[indent] == '#':
				drop = true
			}
		case inBlock && line[indent] == '#' && blockContinues(text, end, blockIndent, &scan):
			// a comment at or left of the key, inside the block scalar:
			// acr-builder deletes it and the block goes on after it
			drop = true
		default:
			inBlock = false
			b.WriteString(strings.Repeat("\n", moved))
			moved = 0
			if !blank && line[indent] == '#' {
				keep = false
			} else if parent, ok := blockScalarParent(line, indent); ok {
				inBlock, blockIndent, contentIndent = true, parent, 0
			}
		}
		if drop {
			if end < len(text) {
				moved++
			}
		} else {
			if keep {
				b.WriteString(line)
			}
			if end < len(text) {
				b.WriteByte('\n')
			}
		}
		if end == len(text) {
			break
		}
		start = end + 1
	}
	b.WriteString(strings.Repeat("\n", moved))
	if b.Len() == len(text) && b.String() == text {
		return text
	}
	return b.String()
}

// continuation caches blockContinues' answer for a run of comment lines.
type continuation struct {
	until  int // offset of the line that decided; the answer holds before it
	indent int // the block indent it was computed for
	result bool
}

// blockContinues reports whether, after the line ending at end, the next
// line that is neither blank nor a comment is indented beyond blockIndent,
// that is, whether a block scalar goes on after a run of comment lines.
func blockContinues(text string, end, blockIndent int, c *continuation) bool {
	if end < c.until && c.indent == blockIndent {
		return c.result
	}
	for start := end + 1; start < len(text); {
		e := strings.IndexByte(text[start:], '\n')
		if e < 0 {
			e = len(text)
		} else {
			e += start
		}
		line := text[start:e]
		indent, blank := indentOf(line)
		if !blank && line[indent] != '#' {
			*c = continuation{until: start, indent: blockIndent, result: indent > blockIndent}
			return c.result
		}
		start = e + 1
	}
	*c = continuation{until: len(text) + 1, indent: blockIndent, result: false}
	return false
}

// indentOf returns the number of leading blanks of line and whether the line
// holds only blanks.
func indentOf(line string) (int, bool) {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ', '\t':
		case '\r':
			if i == len(line)-1 {
				return i, true
			}
			return i, false
		default:
			return i, false
		}
	}
	return len(line), true
}

// blockScalarParent reports whether line opens a block scalar ("key: |",
// "- >-", "key: |2 # c") and returns the column its content must be indented
// beyond: the key's column, or the dash's column for "- |".
func blockScalarParent(line string, indent int) (int, bool) {
	s := strings.TrimRight(line, "\r")
	if i := strings.Index(s, " #"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "\t#"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, " \t")
	j := strings.LastIndexAny(s, " \t")
	if j < 0 || !isBlockIndicator(s[j+1:]) {
		return 0, false
	}
	head := strings.TrimRight(s[:j], " \t")
	switch {
	case strings.HasSuffix(head, ":"):
		k := indent
		for k+1 < len(s) && s[k] == '-' && (s[k+1] == ' ' || s[k+1] == '\t') {
			k += 2
			for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
				k++
			}
		}
		return k, true
	case strings.HasSuffix(head, "-") && strings.Trim(head, " \t-") == "":
		return strings.LastIndexByte(head, '-'), true
	}
	return 0, false
}

// isBlockIndicator reports whether tok is a block scalar header such as
// "|", ">-", "|+2" or ">2-".
func isBlockIndicator(tok string) bool {
	if tok == "" || (tok[0] != '|' && tok[0] != '>') || len(tok) > 3 {
		return false
	}
	for _, c := range tok[1:] {
		if c != '-' && c != '+' && (c < '1' || c > '9') {
			return false
		}
	}
	return true
}
