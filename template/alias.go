package template

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/acb-dev/acb/internal/diag"
)

// aliasBlock is the location of the top-level alias: block.
type aliasBlock struct {
	found bool
	line  int    // 1-based line of the first "alias:"
	count int    // number of alias: blocks (more than 1 only when lenient)
	text  string // the block's lines at their original line numbers, other lines empty
	rest  string // the input with the block's lines emptied
}

// isAliasKey reports whether line matches ^alias\s*:.
func isAliasKey(line string) bool {
	rest, ok := strings.CutPrefix(line, "alias")
	return ok && strings.HasPrefix(strings.TrimLeft(rest, " \t"), ":")
}

// isTopLevelKey reports whether line matches ^[^\s:]+[^:]*:.* (acr-builder's
// end-of-alias-block test).
func isTopLevelKey(line string) bool {
	if line == "" || line[0] == ':' || unicode.IsSpace(rune(line[0])) {
		return false
	}
	return strings.IndexByte(line, ':') > 0
}

// splitAlias cuts the top-level alias block out of text, keeping line
// numbers: the block runs from the "alias:" line to the line before the next
// top-level key. A second alias block is an error, unless lenient: then it
// is cut out too, and both are parsed together, as ACR does.
func splitAlias(file, text string, lenient bool) (aliasBlock, error) {
	var blk aliasBlock
	inBlock := false
	start, lineNo := 0, 1
	var first, rest strings.Builder
	for start <= len(text) {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := text[start:end]
		if inBlock && isTopLevelKey(line) {
			inBlock = false
		}
		if isAliasKey(line) {
			if blk.found && !lenient {
				return blk, diag.Errorf(diag.Position{File: file, Line: lineNo, Col: 1}, "",
					"duplicate alias block (the first is at line %d); ACR merges the two blocks, and so does --lenient", blk.line)
			}
			inBlock = true
			blk.count++
		}
		if inBlock && !blk.found {
			blk.found, blk.line = true, lineNo
			first.Grow(end + 1)
			rest.Grow(len(text))
			// everything before the block: empty lines in text, verbatim in rest
			first.WriteString(strings.Repeat("\n", lineNo-1))
			rest.WriteString(text[:start])
		}
		if blk.found {
			if inBlock {
				first.WriteString(line)
				if end < len(text) {
					first.WriteByte('\n')
				}
			} else {
				rest.WriteString(line)
				if end < len(text) {
					first.WriteByte('\n') // keeps a later block at its line
				}
			}
			if end < len(text) {
				rest.WriteByte('\n')
			}
		}
		if end == len(text) {
			break
		}
		start = end + 1
		lineNo++
	}
	if !blk.found {
		blk.rest = text
		return blk, nil
	}
	blk.text, blk.rest = first.String(), rest.String()
	return blk, nil
}

// srcRef is one alias.src entry and where it was written.
type srcRef struct {
	ref string
	pos diag.Position
}

// aliasDef is the parsed alias block.
type aliasDef struct {
	values    map[string]string
	src       []srcRef
	directive rune
}

// parseAliasBlock parses the rendered alias block; r maps its lines back to
// the task file. Every problem found is returned as a diag.List. When
// lenient, several alias: keys (blocks) are merged as ACR's yaml.v2 merges
// them (values added to, src and directive replaced) and an unknown key is
// a warning, not an error; the warnings are returned.
func parseAliasBlock(r *Rendered, lenient bool) (aliasDef, diag.List, error) {
	def := aliasDef{values: map[string]string{}, directive: DefaultDirective}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(r.Text), &doc); err != nil {
		return def, nil, yamlError(r, err)
	}
	at := func(n *yaml.Node) diag.Position { return r.OrigPos(n.Line, n.Column) }
	var errs, warnings diag.List
	bad := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, diag.Errorf(at(n), "", format, args...))
	}
	if len(doc.Content) == 0 {
		return def, nil, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode || len(top.Content) < 2 {
		bad(top, "alias block must be a mapping")
		return def, nil, errs
	}
	for b := 1; b < len(top.Content); b += 2 {
		block := top.Content[b]
		if block.Tag == "!!null" {
			continue
		}
		if block.Kind != yaml.MappingNode {
			bad(block, "alias must be a mapping with values, src and directive")
			continue
		}
		for i := 0; i+1 < len(block.Content); i += 2 {
			k, v := block.Content[i], block.Content[i+1]
			switch k.Value {
			case "values":
				parseAliasValues(v, def.values, bad)
			case "src":
				def.src = parseAliasSrc(v, at, bad)
			case "directive":
				if d, ok := parseDirective(v, bad); ok {
					def.directive = d
				}
			default:
				if lenient {
					warnings = append(warnings, diag.Warnf(at(k), "", "unknown alias key %q ignored, as ACR does (want values, src or directive)", k.Value))
					continue
				}
				bad(k, "unknown alias key %q (want values, src or directive); ACR ignores it, and so does --lenient", k.Value)
			}
		}
	}
	return def, warnings, errs.Err()
}

func parseAliasValues(v *yaml.Node, into map[string]string, bad func(*yaml.Node, string, ...any)) {
	if v.Tag == "!!null" {
		return
	}
	if v.Kind != yaml.MappingNode {
		bad(v, "alias.values must be a mapping of name to value")
		return
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		name, val := v.Content[i], v.Content[i+1]
		if !validAliasName(name.Value) || name.Kind != yaml.ScalarNode {
			bad(name, "alias name %q must be letters and digits only", name.Value)
			continue
		}
		s, ok := scalarString(val)
		if !ok {
			bad(val, "alias %q must be a string", name.Value)
			continue
		}
		into[name.Value] = s
	}
}

func parseAliasSrc(v *yaml.Node, at func(*yaml.Node) diag.Position, bad func(*yaml.Node, string, ...any)) []srcRef {
	var items []*yaml.Node
	switch {
	case v.Tag == "!!null":
		return nil
	case v.Kind == yaml.SequenceNode:
		items = v.Content
	case v.Kind == yaml.ScalarNode:
		items = []*yaml.Node{v}
	default:
		bad(v, "alias.src must be a list of files or URLs")
		return nil
	}
	var out []srcRef
	for _, it := range items {
		s, ok := scalarString(it)
		if !ok || s == "" {
			bad(it, "alias.src entries must be non-empty strings")
			continue
		}
		out = append(out, srcRef{ref: s, pos: at(it)})
	}
	return out
}

func parseDirective(v *yaml.Node, bad func(*yaml.Node, string, ...any)) (rune, bool) {
	s, ok := scalarString(v)
	if !ok || utf8.RuneCountInString(s) != 1 {
		bad(v, "the alias directive must be exactly one character")
		return 0, false
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch {
	case r < utf8.RuneSelf && isAlnum(byte(r)):
		bad(v, "the alias directive must not be a letter or digit")
		return 0, false
	case r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r):
		bad(v, "the alias directive must not be blank, a control character or invalid UTF-8")
		return 0, false
	}
	return r, true
}

// scalarString returns the text of a scalar node; null gives "".
func scalarString(n *yaml.Node) (string, bool) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	return n.Value, true
}

// yamlError positions a yaml.v3 error ("yaml: line N: msg") through r.
func yamlError(r *Rendered, err error) error {
	msg := err.Error()
	pos := r.src.pos(0)
	pos.Line, pos.Col = 0, 0
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if line, _, n := parseLineCol(rest); n > 0 && strings.HasPrefix(rest[n:], ": ") {
			pos = r.OrigPos(line, 0)
			msg = "yaml: " + rest[n+2:]
		}
	}
	return diag.Errorf(pos, "", "alias block: %s", msg)
}

// buildAliasTable merges, lowest precedence first: the predefined table,
// the option overrides, the src files in order, and the inline values.
// URL entries are not fetched without opts.FetchURLs: each is returned as
// a warning instead.
func buildAliasTable(ctx context.Context, def aliasDef, goos string, opts Options, dir string) (map[string]string, diag.List, error) {
	table := DefaultAliases(goos)
	for k, v := range opts.Aliases {
		if !validAliasName(k) {
			return nil, nil, fmt.Errorf("alias option %q: an alias name must be letters and digits only", k)
		}
		table[k] = v
	}
	var skipped diag.List
	for _, s := range def.src {
		if isURL(s.ref) && !opts.FetchURLs {
			skipped = append(skipped, diag.Warnf(s.pos, "", "alias src %s not fetched: this command reaches no network (give --allow-network to fetch it); its aliases are not applied", redactURL(s.ref)))
			continue
		}
		m, err := loadAliasSrc(ctx, s, dir, opts)
		if err != nil {
			return nil, nil, err
		}
		for k, v := range m {
			table[k] = v
		}
	}
	for k, v := range def.values {
		table[k] = v
	}
	return table, skipped, nil
}
