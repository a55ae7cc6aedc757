package template

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ACR reads values files with gopkg.in/yaml.v2, which resolves plain
// scalars by YAML 1.1 rules: yes/no/on/off/y/n are booleans, 0755 is octal,
// 1_000 is an int, and a date decoded into an interface{} is kept as the
// string written. yaml11 re-tags the plain scalars of a yaml.v3 node tree so
// that decoding it gives what yaml.v2 gives.

// yaml11Words are the plain scalars yaml.v2 resolves by table.
var yaml11Words = map[string][2]string{}

func init() {
	add := func(tag, value string, words ...string) {
		for _, w := range words {
			yaml11Words[w] = [2]string{tag, value}
		}
	}
	add("!!bool", "true", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")
	add("!!bool", "false", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")
	add("!!null", "", "", "~", "null", "Null", "NULL")
	add("!!float", ".nan", ".nan", ".NaN", ".NAN")
	add("!!float", ".inf", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")
	add("!!float", "-.inf", "-.inf", "-.Inf", "-.INF")
}

// yaml11Float is yaml.v2's test for a float written in decimal.
var yaml11Float = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// resolveYAML11 returns the tag and canonical text yaml.v2 gives the plain
// scalar s.
func resolveYAML11(s string) (tag, value string) {
	if w, ok := yaml11Words[s]; ok {
		return w[0], w[1]
	}
	if s == "" {
		return "!!str", s
	}
	switch c := s[0]; {
	case c == '.':
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return "!!float", formatFloat(f)
		}
	case c == '+' || c == '-' || (c >= '0' && c <= '9'):
		if isYAML11Timestamp(s) {
			return "!!str", s // yaml.v2 keeps a date as written in an interface{}
		}
		plain := strings.ReplaceAll(s, "_", "")
		if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return "!!int", strconv.FormatInt(i, 10)
		}
		if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return "!!int", strconv.FormatUint(u, 10)
		}
		if yaml11Float.MatchString(plain) {
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				return "!!float", formatFloat(f)
			}
		}
		for _, p := range []string{"0b", "-0b"} {
			if rest, ok := strings.CutPrefix(plain, p); ok {
				if i, err := strconv.ParseInt(rest, 2, 64); err == nil {
					if p[0] == '-' {
						i = -i
					}
					return "!!int", strconv.FormatInt(i, 10)
				}
			}
		}
	}
	return "!!str", s
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") { // keep it a float for yaml.v3
		s += ".0"
	}
	return s
}

// yaml11TimestampLayouts are the layouts yaml.v2 tries for a timestamp.
var yaml11TimestampLayouts = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// isYAML11Timestamp reports whether yaml.v2 reads s as a timestamp: it
// starts with four digits and a '-' and parses with one of its layouts.
func isYAML11Timestamp(s string) bool {
	if len(s) < 5 || s[4] != '-' {
		return false
	}
	for _, c := range s[:4] {
		if c < '0' || c > '9' {
			return false
		}
	}
	for _, l := range yaml11TimestampLayouts {
		if _, err := time.Parse(l, s); err == nil {
			return true
		}
	}
	return false
}

// retagYAML11 re-tags every plain, untagged scalar value under n (not the
// mapping keys) as yaml.v2 would resolve it. Alias nodes are not followed: their anchors are
// visited where they are defined.
func retagYAML11(n *yaml.Node) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Style&(yaml.TaggedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return
		}
		if n.Tag == "!!merge" || n.Value == "<<" {
			return
		}
		n.Tag, n.Value = resolveYAML11(n.Value)
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			retagYAML11(c)
		}
	case yaml.MappingNode:
		// Only the values: ACR decodes the values file into a
		// map[string]interface{}, so a key such as "on" stays the text
		// written.
		for i := 1; i < len(n.Content); i += 2 {
			retagYAML11(n.Content[i])
		}
	}
}
