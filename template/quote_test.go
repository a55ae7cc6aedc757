package template

import (
	"testing"
	"time"
)

func TestShellQuote(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "''"},
		{"abc", "abc"},
		{"a_b-c.d/e:f,g=h+i%j@k^l", "a_b-c.d/e:f,g=h+i%j@k^l"},
		{"a b", "'a b'"},
		{"it's", `'it'"'"'s'`},
		{`{"a":"b"}`, `'{"a":"b"}'`},
		{"$HOME", "'$HOME'"},
		{"é", "'é'"},
		{"a\nb", "'a\nb'"},
		{"'", `''"'"''`},
	}
	for _, tt := range tests {
		if got := ShellQuote(tt.in); got != tt.want {
			t.Errorf("ShellQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// referenceRun is the run of acr-builder's templating/values_test.go.
func referenceRun() Run {
	return NewRun(RunOptions{
		ID:           "SomeID",
		Commit:       "Some Commit",
		Repository:   "some RePo",
		Branch:       "br",
		GitTag:       "some git tag",
		TriggeredBy:  "triggered from someone cool!!1",
		Registry:     "foo.azurecr.io",
		SharedVolume: "acb_home_vol_12345",
		OS:           "linux",
		OSVersion:    "1903",
		Architecture: "amd64",
		TaskName:     "taskFoo",
	}, time.Date(2010, 5, 20, 13, 14, 22, 0, time.UTC))
}

func TestRunJSON(t *testing.T) {
	t.Parallel()
	const want = `'{"Architecture":"amd64","Branch":"br","Commit":"Some Commit","Date":"20100520-131422z","GitTag":"some git tag","ID":"SomeID","OS":"linux","OSVersion":"1903","Registry":"foo.azurecr.io","RegistryName":"foo","Repository":"some RePo","SharedVolume":"acb_home_vol_12345","TaskName":"taskFoo","TriggeredBy":"triggered from someone cool!!1"}'`
	got, err := RunJSON(referenceRun())
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("RunJSON =\n%s\nwant\n%s", got, want)
	}
}

func TestValuesJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   map[string]any
		want string
	}{
		{"nil", nil, "'{}'"},
		{"flat sorted", map[string]any{"b": "2", "a": "1"}, `'{"a":"1","b":"2"}'`},
		{"nested", map[string]any{"a": map[string]any{"y": 1, "x": true}}, `'{"a":{"x":true,"y":1}}'`},
		{"any-keyed map", map[string]any{"a": map[any]any{1: "one"}}, `'{"a":{"1":"one"}}'`},
		{"quote", map[string]any{"q": "it's"}, `'{"q":"it'"'"'s"}'`},
		{"list", map[string]any{"l": []any{"x", map[any]any{"k": "v"}}}, `'{"l":["x",{"k":"v"}]}'`},
	}
	for _, tt := range tests {
		got, err := ValuesJSON(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: ValuesJSON = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestNewRun(t *testing.T) {
	t.Parallel()
	r := NewRun(RunOptions{Registry: "noDots"}, time.Date(2023, 5, 3, 4, 33, 42, 0, time.FixedZone("x", 3600)))
	if r.RegistryName != "noDots" {
		t.Errorf("RegistryName = %q", r.RegistryName)
	}
	if r.Date != "20230503-033342z" {
		t.Errorf("Date = %q", r.Date)
	}
	if r.OS == "" || r.Architecture == "" {
		t.Errorf("OS/Architecture not defaulted: %+v", r)
	}
	if r := referenceRun(); r.RegistryName != "foo" || r.OS != "linux" {
		t.Errorf("reference run = %+v", r)
	}
}
