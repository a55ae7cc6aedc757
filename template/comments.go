package template

import "strings"

// blankComments replaces every comment line (first non-blank character '#')
// that is not inside a YAML block scalar with an empty line. The line count
// is unchanged; see the package documentation for the block-scalar rule.
func blankComments(text string) string {
	var b strings.Builder
	changed := false
	inBlock := false
	blockIndent := 0
	start := 0
	for start <= len(text) {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := text[start:end]
		keep := true
		indent, blank := indentOf(line)
		switch {
		case inBlock && (blank || indent > blockIndent):
			// content of a block scalar: kept as written
		default:
			inBlock = false
			if !blank && line[indent] == '#' {
				keep = false
			} else if parent, ok := blockScalarParent(line, indent); ok {
				inBlock, blockIndent = true, parent
			}
		}
		if !keep && !changed {
			changed = true
			b.Grow(len(text))
			b.WriteString(text[:start])
		}
		if changed && keep {
			b.WriteString(line)
		}
		if end == len(text) {
			break
		}
		if changed {
			b.WriteByte('\n')
		}
		start = end + 1
	}
	if !changed {
		return text
	}
	return b.String()
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
