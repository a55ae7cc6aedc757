package template

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LoadValues reads a YAML values file (the --values flag). file names the
// input in errors, which carry file:line:col. Scalars are resolved as ACR's
// YAML 1.1 reader (yaml.v2) resolves them: yes/no/on/off/y/n are booleans,
// a date stays the string written (see retagYAML11). An empty input gives an
// empty map; the top level must be a mapping. Nested mappings become
// map[string]any at every depth (non-string keys are formatted with %v), so
// the result always marshals to JSON.
func LoadValues(r io.Reader, file string) (map[string]any, error) {
	var doc yaml.Node
	if err := decodeValuesNode(yaml.NewDecoder(r), &doc); err != nil {
		if errors.Is(err, io.EOF) {
			return map[string]any{}, nil
		}
		return nil, valuesYAMLError(file, err)
	}
	root := &doc
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	retagYAML11(root)
	var v any
	if err := root.Decode(&v); err != nil {
		return nil, valuesYAMLError(file, err)
	}
	if v == nil {
		return map[string]any{}, nil
	}
	m, ok := normalize(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s:%d:%d: a values file must be a mapping of names to values, found %s", file, root.Line, root.Column, nodeKindName(root))
	}
	return m, nil
}

// decodeValuesNode decodes one document, turning a parser panic into an
// error.
func decodeValuesNode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the YAML parser failed: %v", r)
		}
	}()
	return dec.Decode(n)
}

// valuesYAMLError words a YAML error in a values file as file:line: msg.
func valuesYAMLError(file string, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ": "); ok {
			return fmt.Errorf("%s:%s: invalid values file: %s", file, num, tail)
		}
	}
	return fmt.Errorf("%s: invalid values file: %s", file, msg)
}

// nodeKindName names a node's kind for messages.
func nodeKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("the value %q", n.Value)
}

// normalize converts every map in v to map[string]any, recursively.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return normalizeMap(t)
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = normalize(e)
		}
		return s
	}
	return v
}

func normalizeMap(t map[string]any) map[string]any {
	m := make(map[string]any, len(t))
	for k, e := range t {
		m[k] = normalize(e)
	}
	return m
}

// SetValue applies one --set entry to values. kv is split at the first '=';
// the value is kept as a string and commas are not split. The key is split
// at unescaped dots into a path of nested maps ("a.b=c" sets b inside a,
// replacing a when it is not a map); "\." is a literal dot, so "a\.b=c" sets
// the flat key "a.b". Errors: no '=', an empty key, or an empty path segment.
func SetValue(values map[string]any, kv string) error {
	if values == nil {
		return errors.New("set value: nil values map")
	}
	key, val, ok := strings.Cut(kv, "=")
	if !ok {
		return fmt.Errorf("invalid --set %q: no = assignment found", kv)
	}
	if key == "" {
		return fmt.Errorf("invalid --set %q: expected a key=value format", kv)
	}
	path, err := splitKey(key)
	if err != nil {
		return fmt.Errorf("invalid --set %q: %w", kv, err)
	}
	m := values
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = val
	return nil
}

// splitKey splits a --set key at unescaped dots; "\." is a literal dot.
func splitKey(key string) ([]string, error) {
	var path []string
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c == '\\' && i+1 < len(key) && key[i+1] == '.':
			b.WriteByte('.')
			i++
		case c == '.':
			path = append(path, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	path = append(path, b.String())
	for _, p := range path {
		if p == "" {
			return nil, errors.New("empty key segment")
		}
	}
	return path, nil
}

// MergeValues returns a new map with override merged into base: maps present
// on both sides merge recursively, any other override value replaces the base
// value. Neither input is modified.
func MergeValues(base, override map[string]any) map[string]any {
	out := normalizeMap(base)
	for k, v := range override {
		if om, ok := v.(map[string]any); ok {
			if bm, ok := out[k].(map[string]any); ok {
				out[k] = MergeValues(bm, om)
				continue
			}
		}
		out[k] = normalize(v)
	}
	return out
}
