package report

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// from records one FROM instruction as a new stage.
func (s *scanner) from(node *parser.Node) error {
	var words []string
	for n := node.Next; n != nil; n = n.Next {
		words = append(words, n.Value)
	}
	st := Stage{Line: node.StartLine}
	switch {
	case len(words) == 3 && strings.EqualFold(words[1], "as"):
		st.Name = strings.ToLower(words[2])
	case len(words) != 1:
		return errors.New("FROM requires either one or three arguments")
	}
	for _, f := range node.Flags {
		if v, ok := strings.CutPrefix(f, "--platform="); ok {
			st.Platform = v
			continue
		}
		s.warnf("line %d: FROM: unknown flag %s", node.StartLine, f)
	}

	res, err := s.lex.ProcessWordWithMatches(words[0], s.args)
	if err != nil {
		return fmt.Errorf("FROM %s: %w", words[0], err)
	}
	st.Base = res.Result
	for _, name := range sortedKeys(res.Unmatched) {
		if hasDefault(words[0], name) {
			continue
		}
		s.warnf("line %d: FROM %s: variable %s is not set", node.StartLine, words[0], name)
	}
	for _, name := range sortedKeys(res.Matched) {
		if s.args[name].source == fromStage {
			s.warnf("line %d: FROM %s: ARG %s is declared inside a stage; acb uses it here but docker build does not", node.StartLine, words[0], name)
		}
	}

	switch parent, ok := s.stage(st.Base); {
	case ok:
		st.Origin = parent.Origin
	case st.Base == "":
		s.warnf("line %d: FROM %s: base name is empty", node.StartLine, words[0])
	default: // scratch too: ACR reports it as library/scratch:latest
		st.Origin = st.Base
	}
	s.res.Stages = append(s.res.Stages, st)
	return nil
}

// stage returns the earlier stage name refers to, by name or by index.
func (s *scanner) stage(name string) (Stage, bool) {
	for _, st := range s.res.Stages {
		if st.Name != "" && st.Name == name {
			return st, true
		}
	}
	if i, err := strconv.Atoi(name); err == nil && i >= 0 && i < len(s.res.Stages) && strconv.Itoa(i) == name {
		return s.res.Stages[i], true
	}
	return Stage{}, false
}

// dependencies fills Runtime and Buildtime from the stages read.
func (s *scanner) dependencies() {
	last := s.res.Stages[len(s.res.Stages)-1]
	seen := map[string]bool{}
	parse := func(st Stage) *ImageReference {
		ref, err := ParseReference(st.Origin)
		if err != nil {
			s.warnf("line %d: base image left out of the report (docker build rejects it too): %v", st.Line, err)
			return nil
		}
		return ref
	}
	if last.Origin != "" {
		s.res.Runtime = parse(s.originStage(last))
		if s.res.Runtime != nil {
			seen[s.res.Runtime.Name()] = true
		}
	}
	for _, st := range s.res.Stages {
		if st.Origin == "" || st.Base != st.Origin {
			continue // built on an earlier stage
		}
		if st.Origin == last.Origin {
			continue
		}
		ref := parse(st)
		if ref == nil || seen[ref.Name()] {
			continue
		}
		seen[ref.Name()] = true
		s.res.Buildtime = append(s.res.Buildtime, ref)
	}
}

// originStage returns the stage that first names st's origin, so warnings
// point at the line where the image is written.
func (s *scanner) originStage(st Stage) Stage {
	for _, o := range s.res.Stages {
		if o.Base == st.Origin {
			return o
		}
	}
	return st
}

// hasDefault reports whether word uses variable name only in forms that
// say what to do when it is unset (${name:-x}, ${name-x}, ${name:+x}, ...),
// so an unset value is intended and not worth a warning.
func hasDefault(word, name string) bool {
	found := false
	for rest := word; ; {
		i := strings.Index(rest, "$")
		if i < 0 {
			return found
		}
		rest = rest[i+1:]
		braced := strings.HasPrefix(rest, "{")
		if braced {
			rest = rest[1:]
		}
		after, ok := strings.CutPrefix(rest, name)
		if !ok {
			continue
		}
		switch {
		case braced && after != "" && strings.ContainsRune(":-+?#%/", rune(after[0])):
			found = true
		case braced && after != "" && after[0] != '}':
			// ${nameXYZ}: another variable
		case !braced && after != "" && isNameChar(after[0]):
			// $nameXYZ: another variable
		default:
			return false
		}
	}
}

// isNameChar reports whether c can be part of a variable name.
func isNameChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// warnf adds a warning to the result.
func (s *scanner) warnf(format string, a ...any) {
	w := fmt.Sprintf(format, a...)
	if !slices.Contains(s.res.Warnings, w) {
		s.res.Warnings = append(s.res.Warnings, w)
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]struct{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// errReader remembers the first error, other than io.EOF, of a reader, so a
// read failure is not mistaken for a syntax error.
type errReader struct {
	r   io.Reader
	err error
}

// Read implements io.Reader.
func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && e.err == nil {
		e.err = err
	}
	return n, err
}
