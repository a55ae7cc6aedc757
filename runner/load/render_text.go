package load

import (
	"regexp"
	"strings"
)

// cmdLine matches a YAML "cmd:" entry of a step: indentation, an optional
// sequence dash, the key, and the value.
var cmdLine = regexp.MustCompile(`^(\s*(?:-\s+)?cmd\s*:[ \t]*)([^\n]*)`)

// flowCmd matches a "cmd:" key inside a flow mapping ({id: x, cmd: ...}),
// up to its value.
var flowCmd = regexp.MustCompile(`[{,][ \t]*cmd[ \t]*:[ \t]+["']?`)

// RenderedWithImageAliases returns the rendered task text with image aliases
// applied to the first token of each cmd value, so that acb render shows
// what the executor runs. The rewrite is textual: plain, quoted and block
// scalar (| and >) cmd values are handled.
func RenderedWithImageAliases(l *Loaded) string {
	if len(l.ImageAliases) == 0 {
		return l.Rendered
	}
	lines := strings.SplitAfter(l.Rendered, "\n")
	for i := 0; i < len(lines); i++ {
		m := cmdLine.FindStringSubmatchIndex(lines[i])
		if m == nil {
			lines[i] = flowAliases(lines[i], l.ImageAliases)
			continue
		}
		value := lines[i][m[4]:m[5]]
		trimmed := strings.TrimSpace(value)
		if trimmed != "" && strings.ContainsRune("|>", rune(trimmed[0])) {
			// Block scalar: the command starts on the next non-blank line.
			for j := i + 1; j < len(lines); j++ {
				if strings.TrimSpace(lines[j]) == "" {
					continue
				}
				start := len(lines[j]) - len(strings.TrimLeft(lines[j], " \t"))
				lines[j] = lines[j][:start] + replaceFirstToken(lines[j][start:], l.ImageAliases)
				i = j
				break
			}
			continue
		}
		off := m[4]
		if trimmed != "" && (trimmed[0] == '"' || trimmed[0] == '\'') {
			off = m[4] + strings.IndexByte(value, trimmed[0]) + 1
		}
		lines[i] = lines[i][:off] + replaceFirstToken(lines[i][off:], l.ImageAliases)
	}
	return strings.Join(lines, "")
}

// flowAliases applies image aliases to the cmd values of flow mappings on
// one line.
func flowAliases(line string, aliases map[string]string) string {
	locs := flowCmd.FindAllStringIndex(line, -1)
	for i := len(locs) - 1; i >= 0; i-- { // from the end, so offsets stay valid
		off := locs[i][1]
		line = line[:off] + replaceFirstTokenIn(line[off:], aliases, " \t\r\n\"',}")
	}
	return line
}

// replaceFirstToken replaces the first space-separated token of s when it is
// an alias key.
func replaceFirstToken(s string, aliases map[string]string) string {
	return replaceFirstTokenIn(s, aliases, " \t\r\n\"'")
}

// replaceFirstTokenIn is replaceFirstToken with the token ending at any of
// the bytes in stop.
func replaceFirstTokenIn(s string, aliases map[string]string, stop string) string {
	end := strings.IndexAny(s, stop)
	if end < 0 {
		end = len(s)
	}
	if v, ok := aliases[s[:end]]; ok && end > 0 {
		return v + s[end:]
	}
	return s
}
