package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/testenv"
)

// fanTaskYAML fans out from a to b and c, which fan in to d; e follows d;
// f starts at once.
func fanTaskYAML(bb string) string {
	return fmt.Sprintf(`version: v1.1.0
steps:
  - id: a
    cmd: %[1]s sh -c 'sleep 0.2; echo a >> /workspace/ran'
  - id: b
    cmd: %[1]s sh -c 'echo b >> /workspace/ran'
    when: [a]
  - id: c
    cmd: %[1]s sh -c 'sleep 0.3; echo c >> /workspace/ran'
    when: [a]
  - id: d
    cmd: %[1]s sh -c 'echo d >> /workspace/ran'
    when: [b, c]
  - id: e
    cmd: %[1]s sh -c 'echo e >> /workspace/ran; cat /workspace/ran'
  - id: f
    cmd: %[1]s echo f
    when: ["-"]
`, bb)
}

// stepsRan returns the ids of "Executing step ID: X." lines, in order, and
// the index of each step's first and last line (start, end) in the log.
func stepsRan(log string) (ids []string, start, end map[string]int) {
	start, end = map[string]int{}, map[string]int{}
	for i, l := range logLines(log) {
		if rest, ok := strings.CutPrefix(l, "Executing step ID: "); ok {
			id, _, _ := strings.Cut(rest, ".")
			ids = append(ids, id)
			start[id] = i
		}
		if rest, ok := strings.CutPrefix(l, "Successfully executed container: "); ok {
			// --unique-names: <id>-<run id>
			if k := strings.LastIndex(rest, "-"); k > 0 {
				end[rest[:k]] = i
			}
		}
	}
	return ids, start, end
}

func TestE2EStepSelection(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": fanTaskYAML(bb)})
	cases := []struct {
		name    string
		flags   []string
		ran     []string    // sorted
		before  [][2]string // x ends before y starts
		leftOut []string    // "id (reason" prefixes
	}{
		{"target", []string{"--target", "d"}, []string{"a", "b", "c", "d"},
			[][2]string{{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}},
			[]string{"e (not needed by --target d)", "f (not needed by --target d)"}},
		{"only", []string{"--only", "d", "--only", "a"}, []string{"a", "d"},
			[][2]string{{"a", "d"}},
			[]string{"b (not named by --only)", "c (not named by --only)", "e (not named by --only)", "f (not named by --only)"}},
		{"from", []string{"--from", "c"}, []string{"c", "d", "e"},
			[][2]string{{"c", "d"}, {"d", "e"}},
			[]string{"a (not after --from c)", "b (not after --from c)", "f (not after --from c)"}},
		{"skip", []string{"--skip", "b", "--skip", "c"}, []string{"a", "d", "e", "f"},
			[][2]string{{"a", "d"}, {"d", "e"}},
			[]string{"b (skipped by --skip)", "c (skipped by --skip)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			id := e2eID("sel")
			args := append([]string{"run", dir, "--id", id, "--unique-names", "--pull", "never"}, tc.flags...)
			r := acbRun(t, args...)
			if r.code != exitOK {
				t.Fatalf("exit %d", r.code)
			}
			ids, start, end := stepsRan(r.log)
			got := slices.Clone(ids)
			slices.Sort(got)
			if !slices.Equal(got, tc.ran) {
				t.Fatalf("ran %v, want %v", ids, tc.ran)
			}
			for _, p := range tc.before {
				if e, s := end[p[0]], start[p[1]]; e >= s {
					t.Errorf("%s ended (line %d) after %s started (line %d)", p[0], e, p[1], s)
				}
			}
			for _, l := range tc.leftOut {
				if !strings.Contains(r.log, "Leaving out step ID: "+l) {
					t.Errorf("log lacks %q", "Leaving out step ID: "+l)
				}
			}
			for _, id := range ids {
				if !strings.Contains(r.log, "Step ID: "+id+" marked as successful") {
					t.Errorf("no summary line for %s", id)
				}
			}
			if n := strings.Count(r.log, " marked as "); n != len(tc.ran) {
				t.Errorf("%d summary lines, want %d (left-out steps have none)", n, len(tc.ran))
			}
			testenv.AssertNoLeftovers(t, id)
		})
	}
}

func TestE2EStepSelectionInputErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": fanTaskYAML("acbtest/busybox:1")})
	r := acbRun(t, "run", dir, "--target", "dd", "--skip", "zzzzzz", "--dry-run")
	if r.code != exitInput {
		t.Fatalf("exit %d, want %d", r.code, exitInput)
	}
	for _, want := range []string{`--target "dd": the task has no step with this id; did you mean "d"?`, `--skip "zzzzzz": the task has no step with this id`} {
		if !strings.Contains(r.log, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if strings.Contains(r.log, "Executing step") || strings.Contains(r.log, "DRY RUN") {
		t.Error("something started before the input error")
	}
	r = acbRun(t, "run", dir, "--only", "a", "--skip", "a", "--dry-run")
	if r.code != exitInput || !strings.Contains(r.log, "the step selection leaves no step to run") {
		t.Errorf("empty selection: exit %d", r.code)
	}
}

func TestGraphSelection(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": fanTaskYAML("bb")})
	r := acbRun(t, "graph", "-f", filepath.Join(dir, "acb.yaml"), "--from", "c")
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	for _, want := range []string{"  a [cmd] bb sh -c 'sleep 0.2; echo a >> /workspace/ran'  (left out: not after --from c)\n", "  c [cmd] bb sh -c 'sleep 0.3; echo c >> /workspace/ran' <- a\n"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("graph lacks %q:\n%s", want, r.out)
		}
	}
	if n := strings.Count(r.out, "(left out:"); n != 3 {
		t.Errorf("%d left-out marks, want 3", n)
	}
	r = acbRun(t, "graph", "-f", filepath.Join(dir, "acb.yaml"), "--format", "dot", "--only", "bx")
	if r.code != exitInput || !strings.Contains(r.log, `did you mean "b"?`) {
		t.Errorf("unknown id: exit %d", r.code)
	}
}
