package graph

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds are inline seeds so the fuzz target works without the samples.
var fuzzSeeds = []string{
	"",
	"version: v1.1.0\n",
	"version: v1.1.0\nversion: v1.0.0\nsteps:\n  - cmd: bash echo hi\n",
	"stepTimeout: 10\nenv: [A=1,2]\nsteps:\n  - id: a\n    build: -t x .\n    when: [\"-\"]\n  - id: b\n    cmd: x\n    when: [a, a]\n  - push: [x, \"localhost:5000/y\"]\n",
	"secrets:\n  - id: s\n    keyvault: https://v.vault.azure.net/secrets/s\n    clientID: 00000000-0000-0000-0000-000000000000\n",
	"volumes:\n  - name: v\n    secret: {f: YQ==}\nsteps:\n  - cmd: x\n    volumeMounts: [{name: v, mountPath: /m}]\n",
	"networks:\n  - name: n\n    isDefault: true\nsteps:\n  - cmd: x\n    network: host\n",
	"base: &b {cmd: x, timeout: 5}\nsteps:\n  - <<: *b\n    id: a\n  - *b\n",
	"steps: {a: 1}\n",
	"steps:\n  - Cmd: x\n    when: \"-\"\n    timeout: abc\n",
	"---\nsteps: []\n---\nsteps: []\n",
}

// FuzzParse checks that Parse, NewDAG and the renderers never panic and
// that a successful Parse always gives a DAG.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), false)
	}
	if dir, ok := samplesDir(); ok {
		files, _ := filepath.Glob(filepath.Join(dir, "*", "*.y*ml"))
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err == nil && !bytes.Contains(src, []byte("{{")) {
				f.Add(src, false)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, lenient bool) {
		task, err := Parse(src, ParseOptions{Lenient: lenient, Network: "", Env: []string{"CLI=1"}})
		if err != nil {
			if task != nil {
				t.Fatal("task and error both returned")
			}
			_ = err.Error()
			_, _ = ParseSecrets(src, "fuzz.yaml")
			return
		}
		d, err := NewDAG(task)
		if err != nil {
			t.Fatalf("Parse accepted a task NewDAG rejects: %v", err)
		}
		if len(d.Steps()) != len(task.Steps) {
			t.Fatal("DAG lost steps")
		}
		n := 0
		for _, w := range d.Waves() {
			n += len(w)
		}
		if n != len(task.Steps) {
			t.Fatalf("waves hold %d steps, want %d", n, len(task.Steps))
		}
		var b strings.Builder
		if err := d.Text(&b); err != nil {
			t.Fatal(err)
		}
		if err := d.Dot(&b); err != nil {
			t.Fatal(err)
		}
		if err := d.Mermaid(&b); err != nil {
			t.Fatal(err)
		}
		if _, err := ParseSecrets(src, "fuzz.yaml"); err != nil {
			t.Fatalf("ParseSecrets rejects what Parse accepts: %v", err)
		}
	})
}
