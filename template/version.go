package template

import "strings"

// aliasVersion is the first version with alias support.
const aliasVersion = "v1.1.0"

// FindVersion returns the task file's version the way acr-builder finds it:
// the first line, skipping blank lines and lines whose first non-blank
// character is '#', that starts at column 0 with "version" (optionally after
// a quote) and whose text before the first ':', trimmed of blanks and
// quotes, is exactly "version". The value is the text after that ':' without
// a trailing " #" comment, trimmed of blanks and quotes. No such line gives "".
func FindVersion(src []byte) string {
	for len(src) > 0 {
		var line string
		if i := indexByte(src, '\n'); i >= 0 {
			line, src = string(src[:i]), src[i+1:]
		} else {
			line, src = string(src), nil
		}
		if v, ok := versionLine(line); ok {
			return v
		}
	}
	return ""
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

const blanksAndQuotes = " \t\r\"'"

func versionLine(line string) (string, bool) {
	if !strings.HasPrefix(line, "version") && !strings.HasPrefix(line, `"version`) &&
		!strings.HasPrefix(line, "'version") {
		return "", false
	}
	key, val, ok := strings.Cut(line, ":")
	if !ok || strings.Trim(key, blanksAndQuotes) != "version" {
		return "", false
	}
	if i := strings.Index(val, " #"); i >= 0 {
		val = val[:i]
	}
	if i := strings.Index(val, "\t#"); i >= 0 {
		val = val[:i]
	}
	return strings.Trim(val, blanksAndQuotes), true
}

// AliasesEnabled reports whether a task file of this version gets alias
// processing. Like acr-builder it is a plain string comparison with
// "v1.1.0": "v1.1.0" and "v2" enable aliases, "v1.0.0", "1.0-preview-1",
// "V1.1.0" and "" do not.
func AliasesEnabled(version string) bool {
	return version >= aliasVersion
}
