package output

import "regexp"

// ansiSeq matches ANSI escape sequences: CSI (colours, cursor moves), OSC
// (titles, hyperlinks; ended by BEL or ST) and two-byte escapes.
var ansiSeq = regexp.MustCompile(`\x1b\[[0-9:;<=>?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]`)

// StripANSI removes ANSI escape sequences from line.
func StripANSI(line []byte) []byte {
	for _, c := range line {
		if c == 0x1b {
			return ansiSeq.ReplaceAll(line, nil)
		}
	}
	return line
}

// plain removes ANSI sequences from a line of step output unless the sink
// keeps colour, and masks the result again when it changed: a secret
// written with escape sequences inside it is only whole once they are gone.
func (s *Sink) plain(line []byte) []byte {
	if s.color {
		return line
	}
	stripped := StripANSI(line)
	if len(stripped) == len(line) {
		return line
	}
	return []byte(s.Mask(string(stripped)))
}
