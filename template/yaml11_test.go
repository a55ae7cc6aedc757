package template

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestLoadValuesYAML11 checks that values files resolve scalars as ACR's
// yaml.v2 reader does (YAML 1.1), not as YAML 1.2.
func TestLoadValuesYAML11(t *testing.T) {
	t.Parallel()
	in := `push: no
flag: y
on1: on
off1: Off
Y1: Y
n1: n
yes2: YES
date: 2001-12-14
ts: 2001-12-14t21:59:43.10-05:00
spaced: 2001-12-14 21:59:43.10
oct: 0755
hex: 0x10
bin: 0b101
under: 1_000
sign: +12
quoted: "no"
single: 'on'
tagged: !!str yes
big: 1e3
half: .5
inf: -.Inf
nothing: ~
ver: 1.2.3
list: [yes, no, Off]
nested: {enabled: on}
yes: key
`
	got, err := LoadValues(strings.NewReader(in), "values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"push": false, "flag": true, "on1": true, "off1": false, "Y1": true, "n1": false, "yes2": true,
		"date": "2001-12-14", "ts": "2001-12-14t21:59:43.10-05:00", "spaced": "2001-12-14 21:59:43.10",
		"oct": 493, "hex": 16, "bin": 5, "under": 1000, "sign": 12,
		"quoted": "no", "single": "on", "tagged": "yes",
		"big": 1000.0, "half": 0.5, "inf": math.Inf(-1), "nothing": nil, "ver": "1.2.3",
		"list":   []any{true, false, false},
		"nested": map[string]any{"enabled": true},
		"yes":    "key", // keys stay as written: ACR decodes into map[string]interface{}
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || !reflect.DeepEqual(g, w) {
			t.Errorf("%s = %#v, want %#v", k, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d keys, want %d: %#v", len(got), len(want), got)
	}
}

// TestLoadValuesErrorsHavePositions checks that values-file errors name the
// file, line and column and never a Go type.
func TestLoadValuesErrorsHavePositions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"- a\n- b\n", "v.yaml:1:1: a values file must be a mapping of names to values, found a list"},
		{"just a string", `v.yaml:1:1: a values file must be a mapping of names to values, found the value "just a string"`},
		{"a: 1\nb: [\n", "v.yaml:2: invalid values file: "},
		{"a: 1\n\tb: 2\n", "v.yaml:2: invalid values file: "},
	} {
		_, err := LoadValues(strings.NewReader(tc.in), "v.yaml")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("LoadValues(%q) error = %v, want prefix %q", tc.in, err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), "interface") || strings.Contains(err.Error(), "[]")) {
			t.Errorf("error leaks a Go type: %v", err)
		}
	}
}
