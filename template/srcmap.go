package template

import (
	"sort"
	"strings"

	"github.com/acb-dev/acb/internal/diag"
)

// segment says where a run of output bytes, starting at offset out, came
// from: with lit set, output byte out+k is source byte src+k; otherwise every
// byte of the run is attributed to src (text produced there, such as an
// alias value or a template action's output).
type segment struct {
	out, src int
	lit      bool
}

// offsetMap maps output offsets to source offsets. It is sorted by out; an
// empty map is the identity.
type offsetMap []segment

// add appends a segment starting at out, merging it into the previous
// literal segment when the bytes are contiguous on both sides.
func (m *offsetMap) add(out, src int, lit bool) {
	if n := len(*m); n > 0 {
		last := (*m)[n-1]
		if lit && last.lit && last.src+(out-last.out) == src {
			return
		}
		if !lit && !last.lit && last.src == src {
			return
		}
	}
	*m = append(*m, segment{out: out, src: src, lit: lit})
}

// src maps an output offset to its source offset.
func (m offsetMap) src(off int) int {
	if len(m) == 0 {
		return off
	}
	i := sort.Search(len(m), func(i int) bool { return m[i].out > off }) - 1
	if i < 0 {
		return 0
	}
	s := m[i]
	if s.lit {
		return s.src + off - s.out
	}
	return s.src
}

// lineIndex holds the start offsets of the lines of a text.
type lineIndex struct {
	starts []int
	size   int
}

func newLineIndex(text string) lineIndex {
	starts := make([]int, 1, strings.Count(text, "\n")+1)
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return lineIndex{starts: starts, size: len(text)}
}

// lines returns the number of lines (a trailing newline opens an empty one).
func (x lineIndex) lines() int { return len(x.starts) }

// pos returns the 1-based line and byte column of offset off.
func (x lineIndex) pos(off int) (int, int) {
	off = max(0, min(off, x.size))
	i := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > off }) - 1
	return i + 1, off - x.starts[i] + 1
}

// offset returns the offset of the 1-based line and byte column, clamped to
// the text and to the line.
func (x lineIndex) offset(line, col int) int {
	line = max(1, min(line, len(x.starts)))
	off := x.starts[line-1]
	end := x.size
	if line < len(x.starts) {
		end = x.starts[line] - 1
	}
	return max(off, min(off+max(col-1, 0), end))
}

// sourceMap maps offsets of a template text to positions of the original
// file: through the alias substitution (sub) into the comment-blanked text,
// whose lines and columns are those of the original.
type sourceMap struct {
	file string
	text lineIndex // the template text
	sub  offsetMap // template text offset -> blanked offset
	orig lineIndex // the blanked text
}

func identityMap(file, text string) *sourceMap {
	x := newLineIndex(text)
	return &sourceMap{file: file, text: x, orig: x}
}

// pos maps a template text offset to an original position.
func (m *sourceMap) pos(off int) diag.Position {
	line, col := m.orig.pos(m.sub.src(off))
	return diag.Position{File: m.file, Line: line, Col: col}
}

// linePos maps a template text line and column (1-based; col 0 = unknown)
// to an original position.
func (m *sourceMap) linePos(line, col int) diag.Position {
	p := m.pos(m.text.offset(line, col))
	if col == 0 {
		p.Col = 0
	}
	return p
}
