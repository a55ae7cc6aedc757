package template

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoadValues(t *testing.T) {
	t.Parallel()
	in := "a: 1\nnested:\n  x: y\n  deeper:\n    z: [1, {k: v}]\n3: three\n"
	got, err := LoadValues(strings.NewReader(in), "values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"a": 1,
		"nested": map[string]any{
			"x":      true, // YAML 1.1, as ACR reads it
			"deeper": map[string]any{"z": []any{1, map[string]any{"k": "v"}}},
		},
		"3": "three",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadValues = %#v\nwant %#v", got, want)
	}
	if _, err := ValuesJSON(got); err != nil {
		t.Errorf("nested values do not marshal: %v", err)
	}

	for _, in := range []string{"", "# only a comment\n", "~\n"} {
		m, err := LoadValues(strings.NewReader(in), "empty.yaml")
		if err != nil || len(m) != 0 || m == nil {
			t.Errorf("LoadValues(%q) = %v, %v; want empty map", in, m, err)
		}
	}
	for _, in := range []string{"- a\n- b\n", "a: [\n", "just a string"} {
		if _, err := LoadValues(strings.NewReader(in), "bad.yaml"); err == nil || !strings.Contains(err.Error(), "bad.yaml") {
			t.Errorf("LoadValues(%q) error = %v, want one naming the file", in, err)
		}
	}
}

func TestSetValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		start   map[string]any
		sets    []string
		want    map[string]any
		wantErr string
	}{
		{"simple", nil, []string{"a=b"}, map[string]any{"a": "b"}, ""},
		{"first equals", nil, []string{"a=b=c"}, map[string]any{"a": "b=c"}, ""},
		{"commas not split", nil, []string{"a=1,b=2"}, map[string]any{"a": "1,b=2"}, ""},
		{"number stays string", nil, []string{"n=1"}, map[string]any{"n": "1"}, ""},
		{"empty value", nil, []string{"a="}, map[string]any{"a": ""}, ""},
		{"last wins", nil, []string{"a=1", "a=2"}, map[string]any{"a": "2"}, ""},
		{"dotted nested", nil, []string{"a.b=c"}, map[string]any{"a": map[string]any{"b": "c"}}, ""},
		{"deep", nil, []string{"a.b.c=d", "a.b.e=f"}, map[string]any{"a": map[string]any{"b": map[string]any{"c": "d", "e": "f"}}}, ""},
		{"escaped dot is flat", nil, []string{`x\.y=dot`}, map[string]any{"x.y": "dot"}, ""},
		{"mixed escape", nil, []string{`a.b\.c=1`}, map[string]any{"a": map[string]any{"b.c": "1"}}, ""},
		{"replaces scalar", nil, []string{"a=1", "a.b=2"}, map[string]any{"a": map[string]any{"b": "2"}}, ""},
		{"merges into file map", map[string]any{"a": map[string]any{"x": 1}}, []string{"a.b=2"},
			map[string]any{"a": map[string]any{"x": 1, "b": "2"}}, ""},
		{"no equals", nil, []string{"abc"}, nil, "no = assignment found"},
		{"empty key", nil, []string{"=v"}, nil, "expected a key=value format"},
		{"empty segment", nil, []string{"a..b=c"}, nil, "empty key segment"},
		{"trailing dot", nil, []string{"a.=c"}, nil, "empty key segment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := tt.start
			if m == nil {
				m = map[string]any{}
			}
			var err error
			for _, s := range tt.sets {
				if err = SetValue(m, s); err != nil {
					break
				}
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m, tt.want) {
				t.Errorf("values = %#v, want %#v", m, tt.want)
			}
		})
	}
	if err := SetValue(nil, "a=b"); err == nil {
		t.Error("SetValue(nil) did not fail")
	}
}

func TestMergeValues(t *testing.T) {
	t.Parallel()
	base := map[string]any{"a": "file", "keep": "k", "n": map[string]any{"x": 1, "y": 2}, "s": map[string]any{"z": 1}}
	over := map[string]any{"a": "set", "n": map[string]any{"y": "two", "w": "new"}, "s": "scalar"}
	got := MergeValues(base, over)
	want := map[string]any{"a": "set", "keep": "k", "n": map[string]any{"x": 1, "y": "two", "w": "new"}, "s": "scalar"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MergeValues = %#v, want %#v", got, want)
	}
	if base["a"] != "file" || base["n"].(map[string]any)["y"] != 2 {
		t.Errorf("MergeValues modified its input: %#v", base)
	}
}
