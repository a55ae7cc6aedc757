package template

import "testing"

func TestFindVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "version: v1.1.0", "v1.1.0"},
		{"v1.0.0", "version: v1.0.0\nsteps:\n", "v1.0.0"},
		{"preview", "version: 1.0-preview-1", "1.0-preview-1"},
		{"double quoted value", `version: "v1.1.0"`, "v1.1.0"},
		{"single quoted value", "version: 'v1.1.0'", "v1.1.0"},
		{"double quoted key", `"version": v1.1.0`, "v1.1.0"},
		{"single quoted key", `'version': 'v1.1.0'`, "v1.1.0"},
		{"spaces before colon", "version  : v1.1.0", "v1.1.0"},
		{"no space after colon", "version:v1.1.0", "v1.1.0"},
		{"trailing spaces", "version: v1.1.0   ", "v1.1.0"},
		{"crlf", "version: v1.1.0\r\nsteps:\r\n", "v1.1.0"},
		{"trailing comment", "version: v1.1.0 # aliases", "v1.1.0"},
		{"tab comment", "version: v1.0.0\t# x", "v1.0.0"},
		{"after steps", "steps:\n  - cmd: x\nversion: v1.1.0", "v1.1.0"},
		{"after comment", "# version: v9\nversion: v1.1.0", "v1.1.0"},
		{"indented comment", "   # version: v9\nversion: v1.0.0", "v1.0.0"},
		{"after blank lines", "\n\n   \nversion: v1.1.0", "v1.1.0"},
		{"indented is not top level", "steps:\n  version: v1.1.0\n", ""},
		{"prefix key", "versionOfTask: v1.1.0", ""},
		{"prefix key then real", "versionOfTask: v2\nversion: v1.0.0", "v1.0.0"},
		{"no colon", "version v1.1.0", ""},
		{"first wins", "version: v1.1.0\nversion: v1.0.0", "v1.1.0"},
		{"duplicate from cli", "version: v1.1.0\nversion: v1.1.0\nsteps:", "v1.1.0"},
		{"empty value", "version:", ""},
		{"upper case value", "version: V1.1.0", "V1.1.0"},
		{"upper case key", "Version: v1.1.0", ""},
		{"value with colon", "version: v1.1.0:x", "v1.1.0:x"},
		{"key with space inside", "version x: v1.1.0", ""},
		{"not at column 0", " version: v1.1.0", ""},
		{"in list", "- version: v1.1.0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := FindVersion([]byte(tt.in)); got != tt.want {
				t.Errorf("FindVersion(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAliasesEnabled(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"":              false,
		"v1.0.0":        false,
		"1.0-preview-1": false,
		"1.0.0":         false,
		"V1.1.0":        false,
		"v1.1.0":        true,
		"v1.2.0":        true,
		"v2.0.0":        true,
	}
	for v, want := range tests {
		if got := AliasesEnabled(v); got != want {
			t.Errorf("AliasesEnabled(%q) = %v, want %v", v, got, want)
		}
	}
}
