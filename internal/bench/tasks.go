package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// cmdTask returns a v1.1.0 task of n cmd steps running BusyboxTag with args;
// parallel steps get `when: ["-"]`.
func cmdTask(n int, args string, parallel bool) string {
	var b strings.Builder
	b.WriteString("version: v1.1.0\nsteps:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - id: s%d\n    cmd: %s %s\n", i, BusyboxTag, args)
		if parallel {
			b.WriteString("    when: [\"-\"]\n")
		}
	}
	return b.String()
}

// buildTask returns a task of one build step of the context "." tagged tag,
// without the classic builder's cache.
func buildTask(tag, label string) string {
	return fmt.Sprintf("version: v1.1.0\nsteps:\n  - id: build\n    build: -t %s --no-cache --label %s .\n", tag, label)
}

// pushTask returns a task of one push step per reference, in sequence.
func pushTask(refs []string) string {
	var b strings.Builder
	b.WriteString("version: v1.1.0\nsteps:\n")
	for i, r := range refs {
		fmt.Fprintf(&b, "  - id: push%d\n    push: [\"%s\"]\n", i, r)
	}
	return b.String()
}

// writeTask writes a task file into the scratch directory and returns its
// path.
func (h *Harness) writeTask(name, body string) (string, error) {
	p := filepath.Join(h.tmp, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		return "", fmt.Errorf("write task %s: %w", name, err)
	}
	return p, nil
}

// acbRun returns the command running task with context dir under a fresh
// run id that starts with the harness id (so cleanup finds its objects).
// --unique-names suffixes container and network names with the run id:
// other engineers' runs may share the engine, and a second network named
// acb_default_network makes the name ambiguous.
func (h *Harness) acbRun(task, dir string) Cmd {
	return Cmd{Path: h.cfg.ACB, Args: []string{"run", "-f", task, dir, "--id", h.nextID("run"), "--unique-names"}, Dir: h.cfg.Root}
}

// acbLayout returns a fresh layout like an acb run's: one user-defined
// bridge network and two volumes (run and home).
func (h *Harness) acbLayout() Layout {
	return Layout{Network: h.nextID("net"), Volumes: []string{h.nextID("vol"), h.nextID("home")}}
}

// baselineRun is acbRun with the baseline binary (-baseline-acb).
func (h *Harness) baselineRun(task, dir string) Cmd {
	c := h.acbRun(task, dir)
	c.Path = h.cfg.BaselineACB
	return c
}

// withBaseline appends a variant running the baseline binary on task when
// one is configured.
func (h *Harness) withBaseline(vs []Variant, task, dir string) []Variant {
	if h.cfg.BaselineACB == "" {
		return vs
	}
	return append(vs, Variant{Name: vBaseline, NeedsRun: true, Do: process(func() Cmd { return h.baselineRun(task, dir) })})
}
