package graph

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Short tags the parser looks at.
const (
	tagNull  = "!!null"
	tagStr   = "!!str"
	tagInt   = "!!int"
	tagBool  = "!!bool"
	tagMerge = "!!merge"
)

// maxMergeDepth bounds nested YAML merge keys.
const maxMergeDepth = 8

// resolve follows YAML aliases and charges the walk budget. It returns nil
// when the node is missing or the budget is spent.
func (p *parser) resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i > maxMergeDepth {
			return nil
		}
		n = n.Alias
	}
	if n == nil {
		return nil
	}
	p.budget--
	if p.budget < 0 {
		if !p.exhausted {
			p.exhausted = true
			p.errorf(n, "", "the document expands too much through YAML aliases; stopped reading it here")
		}
		return nil
	}
	return n
}

func shortTag(n *yaml.Node) string {
	if n.Tag != "" && n.Tag != "!" {
		return n.Tag
	}
	return n.ShortTag()
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && shortTag(n) == tagNull
}

// kindName describes a node for type errors.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch shortTag(n) {
		case tagNull:
			return "an empty value"
		case tagInt, "!!float":
			return "the number " + n.Value
		case tagBool:
			return "the boolean " + n.Value
		}
		return strconv.Quote(n.Value)
	}
	return "an unsupported YAML node"
}

// fields holds the key and value nodes of one mapping, indexed by a keySet.
type fields struct {
	key [maxKeys]*yaml.Node
	val [maxKeys]*yaml.Node
}

// has reports whether key i was given.
func (f *fields) has(i int) bool { return f.key[i] != nil }

// readFields collects the recognised keys of mapping m, reporting unknown
// and duplicate keys. YAML merge keys (<<) are honoured: explicit keys win
// over merged ones, and earlier merged mappings over later ones.
func (p *parser) readFields(m *yaml.Node, ks *keySet, stepID string, f *fields) {
	p.readPairs(m, ks, stepID, f, false, 0)
}

func (p *parser) readPairs(m *yaml.Node, ks *keySet, stepID string, f *fields, merged bool, depth int) {
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := p.resolve(m.Content[i]), m.Content[i+1]
		if k == nil {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			if !merged {
				p.keyProblemf(k, stepID, "%s keys must be plain names, found %s", ks.what, kindName(k))
			}
			continue
		}
		if shortTag(k) == tagMerge {
			merges = append(merges, v)
			continue
		}
		idx := ks.lookup(k.Value)
		if idx < 0 {
			if !merged {
				p.unknownKey(k, ks, stepID)
			}
			continue
		}
		if f.key[idx] != nil {
			if merged {
				continue
			}
			p.duplicateKey(k, f.key[idx], ks, stepID)
		}
		f.key[idx], f.val[idx] = k, v
	}
	if len(merges) == 0 {
		return
	}
	if depth >= maxMergeDepth {
		p.errorf(merges[0], stepID, "YAML merge keys (<<) are nested too deeply")
		return
	}
	for _, mv := range merges {
		mv = p.resolve(mv)
		if mv == nil {
			continue
		}
		switch mv.Kind {
		case yaml.MappingNode:
			p.readPairs(mv, ks, stepID, f, true, depth+1)
		case yaml.SequenceNode:
			for _, item := range mv.Content {
				if item = p.resolve(item); item != nil && item.Kind == yaml.MappingNode {
					p.readPairs(item, ks, stepID, f, true, depth+1)
				} else if item != nil {
					p.errorf(item, stepID, "a YAML merge key (<<) takes mappings, found %s", kindName(item))
				}
			}
		default:
			p.errorf(mv, stepID, "a YAML merge key (<<) takes a mapping or a list of mappings, found %s", kindName(mv))
		}
	}
}

func (p *parser) unknownKey(k *yaml.Node, ks *keySet, stepID string) {
	hint := ""
	if len(k.Value) <= 64 {
		hint = didYouMean(k.Value, ks.names)
	}
	if hint == "" {
		switch {
		case ks == stepKeys && taskKeys.lookup(k.Value) >= 0:
			hint = "; it is a task-level key, not a step key"
		case ks == taskKeys && stepKeys.lookup(k.Value) >= 0:
			hint = "; it is a step key: put it inside a step under steps"
		}
	}
	if p.opts.Lenient {
		p.warnf(k, stepID, "unknown %s key %q ignored%s", ks.what, k.Value, hint)
		return
	}
	p.errorf(k, stepID, "unknown %s key %q%s", ks.what, k.Value, hint)
}

func (p *parser) duplicateKey(k, first *yaml.Node, ks *keySet, stepID string) {
	msg := "duplicate %s key %q (first set at line %d)"
	if ks == taskKeys && k.Value == "version" {
		// az acr run prepends "version: v1.1.0" to local files.
		p.warnf(k, stepID, msg+"; the last one wins", ks.what, k.Value, p.mapLine(first.Line))
		return
	}
	if p.opts.Lenient {
		p.warnf(k, stepID, msg+"; the last one wins", ks.what, k.Value, p.mapLine(first.Line))
		return
	}
	p.errorf(k, stepID, msg+"; give each key once", ks.what, k.Value, p.mapLine(first.Line))
}

// str decodes a string value. Any scalar is accepted as its text (as
// yaml.v2 does); null gives "".
func (p *parser) str(v *yaml.Node, what, stepID string) string {
	if v = p.resolve(v); v == nil || isNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		p.errorf(v, stepID, "%s must be a string, found %s", what, kindName(v))
		return ""
	}
	return v.Value
}

// integer decodes a whole number; unit is appended to the message ("seconds").
func (p *parser) integer(v *yaml.Node, what, unit, stepID string) int {
	if v = p.resolve(v); v == nil || isNull(v) {
		return 0
	}
	if v.Kind == yaml.ScalarNode && shortTag(v) == tagInt {
		if n, err := strconv.Atoi(v.Value); err == nil {
			return n
		}
		var n int
		if err := v.Decode(&n); err == nil {
			return n
		}
		p.errorf(v, stepID, "%s is not a usable whole number: %s", what, v.Value)
		return 0
	}
	if v.Kind == yaml.ScalarNode && shortTag(v) == "!!float" && strings.Trim(v.Value, "+-0123456789_") == "" {
		p.errorf(v, stepID, "%s is out of range: %s", what, v.Value)
		return 0
	}
	if unit != "" {
		unit = " of " + unit
	}
	p.errorf(v, stepID, "%s must be a whole number%s, found %s", what, unit, kindName(v))
	return 0
}

// boolean decodes true/false. Unquoted YAML 1.1 words (yes, no, on, off)
// are accepted too, as yaml.v2 does.
func (p *parser) boolean(v *yaml.Node, what, stepID string) bool {
	if v = p.resolve(v); v == nil || isNull(v) {
		return false
	}
	if v.Kind == yaml.ScalarNode {
		switch tag := shortTag(v); {
		case tag == tagBool:
			var b bool
			if err := v.Decode(&b); err == nil {
				return b
			}
		case tag == tagStr && v.Style == 0:
			switch strings.ToLower(v.Value) {
			case "yes", "on", "y":
				return true
			case "no", "off", "n":
				return false
			}
		}
	}
	p.errorf(v, stepID, "%s must be true or false, found %s", what, kindName(v))
	return false
}

// strList decodes a list of strings and returns the item nodes too.
// example completes the message of a type error ("e.g. ...").
func (p *parser) strList(v *yaml.Node, what, example, stepID string) ([]string, []*yaml.Node) {
	if v = p.resolve(v); v == nil || isNull(v) {
		return nil, nil
	}
	if v.Kind != yaml.SequenceNode {
		p.errorf(v, stepID, "%s must be a list, found %s; write it as %s", what, kindName(v), example)
		return nil, nil
	}
	vals := make([]string, 0, len(v.Content))
	nodes := make([]*yaml.Node, 0, len(v.Content))
	for _, item := range v.Content {
		item = p.resolve(item)
		if item == nil {
			continue
		}
		if item.Kind != yaml.ScalarNode {
			p.errorf(item, stepID, "%s entries must be strings, found %s", what, kindName(item))
			continue
		}
		s := item.Value
		if isNull(item) {
			s = ""
		}
		vals = append(vals, s)
		nodes = append(nodes, item)
	}
	return vals, nodes
}

// list returns the items of a sequence, reporting other kinds.
func (p *parser) list(v *yaml.Node, what, stepID string) []*yaml.Node {
	if v = p.resolve(v); v == nil || isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.errorf(v, stepID, "%s must be a list, found %s", what, kindName(v))
		return nil
	}
	return v.Content
}

// mapping resolves an item that must be a mapping.
func (p *parser) mapping(v *yaml.Node, what, stepID string) *yaml.Node {
	if v = p.resolve(v); v == nil {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		p.errorf(v, stepID, "each entry of %s must be a mapping, found %s", what, kindName(v))
		return nil
	}
	return v
}
