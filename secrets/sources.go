package secrets

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/acb-dev/acb/internal/inputfile"
)

// No error of this file quotes a value, or a line of a file, which may hold
// one: only ids, file names and line numbers.

// ParseSecretFlag parses one --secret argument, "id=value". The id may not
// be empty or contain white space; the value may be empty and may contain
// "=".
func ParseSecretFlag(arg string) (id, value string, err error) {
	id, value, ok := strings.Cut(arg, "=")
	switch {
	case !ok:
		return "", "", errors.New("invalid --secret argument: expected id=value (the argument is not shown, it may be a secret)")
	case id == "":
		return "", "", errors.New("invalid --secret argument: the id before \"=\" is empty")
	case strings.ContainsFunc(id, isSpace):
		return "", "", fmt.Errorf("invalid --secret argument: id %q contains white space", id)
	}
	return id, value, nil
}

// ParseSecretFlags parses --secret arguments into a map by id; a later
// argument for the same id wins.
func ParseSecretFlags(args []string) (map[string]string, error) {
	values := make(map[string]string, len(args))
	for _, a := range args {
		id, v, err := ParseSecretFlag(a)
		if err != nil {
			return nil, err
		}
		values[id] = v
	}
	return values, nil
}

// ReadSecretFile reads a --secret-file: see ParseSecretFile.
func ReadSecretFile(path string) (map[string]string, error) {
	data, err := inputfile.Read(path, inputfile.MaxSize)
	if err != nil {
		return nil, fmt.Errorf("read secret file: %w", err)
	}
	values, err := ParseSecretFile(data)
	if err != nil {
		return nil, fmt.Errorf("secret file %s: %w", path, err)
	}
	return values, nil
}

// ParseSecretFile parses the contents of a --secret-file, a map from secret
// id to value in one of two formats, chosen by the first line that is
// neither blank nor a comment: dotenv when it has the form ID=..., with
// an optional "export " before it, else YAML.
//
// YAML: a mapping of ids to scalars; non-string scalars are taken as
// written (`port: 0123` gives "0123"), null gives "".
//
// Dotenv: one ID=value per line; blank lines and lines starting with "#"
// are skipped. An unquoted value runs to the end of the line, trailing
// white space trimmed and "#" kept. A value in single quotes is literal; in
// double quotes, \n, \r, \t, \", \\ and \$ are escapes. Quoted values may
// span lines (PEM keys).
func ParseSecretFile(data []byte) (map[string]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for line := range strings.Lines(string(data)) {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			continue
		}
		if isDotenvLine(t) {
			return parseDotenv(string(data))
		}
		break
	}
	return parseYAMLSecrets(data)
}

// isDotenvLine reports whether the trimmed line t starts with
// [export ]ID=.
func isDotenvLine(t string) bool {
	t = strings.TrimPrefix(t, "export ")
	k, _, ok := strings.Cut(t, "=")
	return ok && validEnvKey(strings.TrimSpace(k))
}

// validEnvKey reports whether k is a dotenv key: letters, digits, "_",
// "." and "-".
func validEnvKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !isLetter(c) && !isDigit(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// parseDotenv parses the dotenv format of ParseSecretFile.
func parseDotenv(s string) (map[string]string, error) {
	values := map[string]string{}
	lineNo := 0
	for len(s) > 0 {
		lineNo++
		start := lineNo
		line, rest, _ := strings.Cut(s, "\n")
		s = rest
		t := strings.TrimLeft(strings.TrimSuffix(line, "\r"), " \t")
		if strings.TrimSpace(t) == "" || t[0] == '#' {
			continue
		}
		t = strings.TrimPrefix(t, "export ")
		k, v, ok := strings.Cut(t, "=")
		k = strings.TrimSpace(k)
		if !ok || !validEnvKey(k) {
			return nil, fmt.Errorf("line %d: expected ID=value", start)
		}
		v = strings.TrimLeft(v, " \t")
		if v == "" || (v[0] != '"' && v[0] != '\'') {
			values[k] = strings.TrimRight(v, " \t")
			continue
		}
		// A quoted value: it may continue on the following lines.
		q := v[0]
		text := v[1:]
		for {
			val, after, done := unquote(text, q)
			if done {
				if a := strings.TrimSpace(after); a != "" && a[0] != '#' {
					return nil, fmt.Errorf("line %d: unexpected text after the quoted value of %s", lineNo, k)
				}
				values[k] = val
				break
			}
			if s == "" {
				return nil, fmt.Errorf("line %d: the quoted value of %s is not closed", start, k)
			}
			var next string
			next, s, _ = strings.Cut(s, "\n")
			lineNo++
			text += "\n" + strings.TrimSuffix(next, "\r")
		}
	}
	return values, nil
}

// unquote reads a value quoted with q from text (which follows the opening
// quote). It returns the value, the text after the closing quote, and
// whether the closing quote was found.
func unquote(text string, q byte) (val, after string, done bool) {
	if q == '\'' {
		i := strings.IndexByte(text, '\'')
		if i < 0 {
			return "", "", false
		}
		return text[:i], text[i+1:], true
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '"':
			return b.String(), text[i+1:], true
		case c == '\\' && i+1 < len(text):
			i++
			switch text[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '"', '\\', '$':
				b.WriteByte(text[i])
			default:
				b.WriteByte('\\')
				b.WriteByte(text[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

// parseYAMLSecrets parses the YAML format of ParseSecretFile.
func parseYAMLSecrets(data []byte) (map[string]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("neither ID=value lines nor valid YAML: %w", err)
	}
	values := map[string]string{}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return values, nil // empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: expected a map of secret ids to values", root.Line)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			return nil, fmt.Errorf("line %d: expected a secret id", k.Line)
		}
		switch {
		case v.Kind == yaml.AliasNode && v.Alias != nil && v.Alias.Kind == yaml.ScalarNode:
			v = v.Alias
		case v.Kind != yaml.ScalarNode:
			return nil, fmt.Errorf("line %d: the value of %s must be a string", v.Line, k.Value)
		}
		if v.Tag == "!!null" {
			values[k.Value] = ""
			continue
		}
		values[k.Value] = v.Value
	}
	return values, nil
}

// Merge merges maps of secret values; a later map wins for the same id. Use
// it to layer --secret over --secret-file.
func Merge(sources ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range sources {
		maps.Copy(out, m)
	}
	return out
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
}
