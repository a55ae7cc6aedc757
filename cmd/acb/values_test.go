package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValuesPrecedence: --set beats the later --values file, which beats
// the earlier one, key by key, nested maps merged rather than replaced.
func TestValuesPrecedence(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	task := write("task.yaml", "version: v1.1.0\nsteps:\n  - cmd: bash echo {{.Values.k}} {{.Values.only}} {{.Values.nest.a}} {{.Values.nest.b}} {{.Values.nest.c}} {{.Values.nest.d.e}}\n")
	a := write("a.yaml", "k: fromA\nonly: onlyA\nnest:\n  a: A1\n  b: A2\n  c: A3\n  d:\n    e: A4\n")
	b := write("b.yaml", "k: fromB\nnest:\n  b: B2\n  c: B3\n  d:\n    e: B4\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--values", a}, "echo fromA onlyA A1 A2 A3 A4"},
		{[]string{"--values", a, "--values", b}, "echo fromB onlyA A1 B2 B3 B4"},
		{[]string{"--values", b, "--values", a}, "echo fromA onlyA A1 A2 A3 A4"},
		{[]string{"--values", a, "--values", b, "--set", "k=S", "--set", "nest.c=S3", "--set", "nest.d.e=S4"}, "echo S onlyA A1 B2 S3 S4"},
		{[]string{"--set", "k=S", "--values", a, "--values", b}, "echo S onlyA A1 B2 B3 B4"}, // flag order does not matter
	} {
		args := append([]string{"render", "-f", task}, tt.args...)
		out, errOut, code := runCLI(t, args...)
		if code != exitOK || !strings.Contains(out, tt.want) {
			t.Errorf("%v: exit %d, want %q in:\n%s%s", tt.args, code, tt.want, out, errOut)
		}
	}
}
