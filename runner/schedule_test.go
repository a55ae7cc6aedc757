package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/output"
)

// syncBuf is a goroutine-safe buffer.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func parseTask(t *testing.T, src string) *graph.Task {
	t.Helper()
	task, err := graph.Parse([]byte(src), graph.ParseOptions{})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return task
}

// runParsed runs task with its DAG.
func runParsed(ctx context.Context, t testing.TB, task *graph.Task, eng engine.Engine, opts Options) (*Result, error) {
	t.Helper()
	return Run(ctx, task, mustDAG(t, task), eng, opts)
}

// mustDAG is task's DAG.
func mustDAG(t testing.TB, task *graph.Task) *graph.DAG {
	t.Helper()
	dag, err := graph.NewDAG(task)
	if err != nil {
		t.Fatalf("DAG: %v", err)
	}
	return dag
}

func runFake(t *testing.T, src string, opts Options) (*fakeEngine, *Result, error, string, string) {
	t.Helper()
	return runFakeTo(t, src, opts, output.Options{})
}

// runFakeTo is runFake with the sink's format and masker of so.
func runFakeTo(t *testing.T, src string, opts Options, so output.Options) (*fakeEngine, *Result, error, string, string) {
	t.Helper()
	f := newFake()
	var log, out syncBuf
	so.Log, so.Out = &log, &out
	opts.Output = output.New(so)
	if opts.RunID == "" {
		opts.RunID = "testrun"
	}
	res, err := runParsed(context.Background(), t, parseTask(t, src), f, opts)
	if len(f.Volumes()) != 0 || len(f.Networks()) != 0 {
		t.Errorf("leftovers: volumes %v networks %v", f.Volumes(), f.Networks())
	}
	return f, res, err, log.String(), out.String()
}

func TestDAGNotLevels(t *testing.T) {
	t.Parallel()
	// c depends only on a (short), not on b (long): it must start before b ends.
	f, res, err, _, _ := runFake(t, `
steps:
  - id: a
    cmd: fake sleep 50ms
    when: ["-"]
  - id: b
    cmd: fake sleep 600ms
    when: ["-"]
  - id: c
    cmd: fake sleep 10ms
    when: ["a"]
  - id: d
    cmd: fake sleep 10ms
`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Starts("c")[0].After(f.Ends("a")[0]) {
		t.Error("c started before a ended")
	}
	if !f.Starts("c")[0].Before(f.Ends("b")[0]) {
		t.Error("c waited for b: scheduling by levels")
	}
	if !f.Starts("d")[0].After(f.Ends("c")[0]) {
		t.Error("d (no when) did not wait for c")
	}
	for _, s := range res.Steps {
		if s.Status != StepSuccessful {
			t.Errorf("%s: %s", s.ID, s.Status)
		}
	}
}

func TestParallelismBound(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("steps:\n")
	for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
		b.WriteString("  - id: " + id + "\n    cmd: fake sleep 40ms\n    when: [\"-\"]\n")
	}
	f, _, err, _, _ := runFake(t, b.String(), Options{Parallelism: 2})
	if err != nil {
		t.Fatal(err)
	}
	if f.MaxRunning() != 2 {
		t.Errorf("max concurrent = %d, want 2", f.MaxRunning())
	}
	f, _, err, _, _ = runFake(t, b.String(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.MaxRunning() != 6 {
		t.Errorf("unbounded: max concurrent = %d, want 6", f.MaxRunning())
	}
}

func TestFailFast(t *testing.T) {
	t.Parallel()
	start := time.Now()
	f, res, err, log, _ := runFake(t, `
steps:
  - id: a
    cmd: fake sleep 20ms
    when: ["-"]
  - id: bad
    cmd: fake exit 3
    when: ["a"]
  - id: slow
    cmd: fake sleep 10s
    when: ["-"]
  - id: after
    cmd: fake echo never
    when: ["bad"]
`, Options{})
	var se *StepError
	if !errors.As(err, &se) || se.StepID != "bad" {
		t.Fatalf("err = %v, want a StepError for bad", err)
	}
	if got, want := err.Error(), "failed to run step ID: bad: exit status 3"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("slow was not cancelled")
	}
	if f.Runs("after") != 0 {
		t.Error("dependant of a failed step ran")
	}
	want := map[string]StepStatus{"a": StepSuccessful, "bad": StepFailed, "slow": StepCancelled, "after": StepSkipped}
	for id, st := range want {
		if got := res.Step(id).Status; got != st {
			t.Errorf("%s: status %s, want %s", id, got, st)
		}
	}
	if !strings.Contains(log, "Container failed during run: bad. No retries remaining.") {
		t.Errorf("log lacks the failure line:\n%s", log)
	}
	if strings.Contains(log, "marked as") {
		t.Error("summary printed on failure")
	}
	if res.Succeeded || !strings.HasPrefix(FinalLine(res, err), "Run ID: testrun failed after ") {
		t.Errorf("final line %q", FinalLine(res, err))
	}
}

func TestIgnoreErrors(t *testing.T) {
	t.Parallel()
	f, res, err, log, _ := runFake(t, `
steps:
  - id: a
    cmd: fake exit 3
    ignoreErrors: true
  - id: b
    cmd: fake echo ok
`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Runs("b") != 1 {
		t.Error("b did not run")
	}
	if !strings.Contains(log, "Step ID: a encountered an error: exit status 3, but is set to ignore errors. Continuing...") {
		t.Errorf("log:\n%s", log)
	}
	if res.Step("a").Status != StepSuccessful || res.Step("a").Err == nil {
		t.Errorf("a: %+v", res.Step("a"))
	}
	if !strings.Contains(log, "Step ID: a marked as successful (elapsed time in seconds: ") {
		t.Errorf("log lacks the summary:\n%s", log)
	}
}

func TestRetriesAndRepeat(t *testing.T) {
	t.Parallel()
	f, _, err, log, _ := runFake(t, `
steps:
  - id: flaky
    cmd: fake flaky 2
    retries: 2
    retryDelay: 1
  - id: rep
    cmd: fake exit 0
    repeat: 2
`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.Runs("flaky"); n != 3 {
		t.Errorf("flaky ran %d times, want 3", n)
	}
	if n := f.Runs("rep"); n != 3 {
		t.Errorf("rep ran %d times, want 3", n)
	}
	if c := strings.Count(log, "Container failed during run: flaky, waiting 1 seconds before retrying..."); c != 2 {
		t.Errorf("%d retry lines, want 2:\n%s", c, log)
	}
	if c := strings.Count(log, "Successfully executed container: rep"); c != 3 {
		t.Errorf("%d success lines for rep, want 3", c)
	}
}

func TestRepeatJoinsErrors(t *testing.T) {
	t.Parallel()
	f, _, err, _, _ := runFake(t, `
steps:
  - id: r
    cmd: fake exit 2
    repeat: 1
`, Options{})
	if err == nil || err.Error() != "failed to run step ID: r: exit status 2, exit status 2" {
		t.Errorf("err = %v", err)
	}
	if n := f.Runs("r"); n != 2 {
		t.Errorf("ran %d times, want 2", n)
	}
}

func TestRetryOnErrorsNoMatch(t *testing.T) {
	t.Parallel()
	f, _, err, _, _ := runFake(t, `
steps:
  - id: x
    cmd: fake flaky 1
    retries: 3
    retryDelay: 1
    retryOnErrors: ["something else"]
`, Options{})
	if err == nil || f.Runs("x") != 1 {
		t.Errorf("err %v, runs %d: want a failure without retry", err, f.Runs("x"))
	}
	f, _, err, _, _ = runFake(t, `
steps:
  - id: x
    cmd: fake flaky 1
    retries: 3
    retryDelay: 1
    retryOnErrors: ["transient"]
`, Options{})
	if err != nil || f.Runs("x") != 2 {
		t.Errorf("err %v, runs %d: want success on the 2nd run", err, f.Runs("x"))
	}
}

func TestStepTimeout(t *testing.T) {
	t.Parallel()
	start := time.Now()
	_, _, err, log, _ := runFake(t, `
steps:
  - id: slow
    cmd: fake sleep 30s
    timeout: 1
    retries: 2
`, Options{})
	if err == nil || err.Error() != "failed to run step ID: slow: timed out" {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if !strings.Contains(log, "Container failed during run: slow. No retries remaining.") {
		t.Errorf("log:\n%s", log)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("error does not wrap the deadline")
	}
}

func TestRunTimeout(t *testing.T) {
	t.Parallel()
	start := time.Now()
	_, res, err, _, _ := runFake(t, `
steps:
  - id: a
    cmd: fake sleep 30s
  - id: b
    cmd: fake echo never
`, Options{Timeout: 300 * time.Millisecond})
	if err == nil || err.Error() != "failed to run step ID: a: timed out" {
		t.Errorf("err = %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("run timeout ignored")
	}
	if res.Step("b").Status != StepSkipped {
		t.Errorf("b: %s", res.Step("b").Status)
	}
}

func TestCancelDuringStartDelay(t *testing.T) {
	t.Parallel()
	f := newFake()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := runParsed(ctx, t, parseTask(t, "steps:\n  - id: a\n    cmd: fake echo x\n    startDelay: 30\n"), f, Options{RunID: "delay"})
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("err %v after %v", err, time.Since(start))
	}
	if len(f.Volumes()) != 0 {
		t.Errorf("leftover volumes %v", f.Volumes())
	}
}

func TestOutputPrefixAndJSON(t *testing.T) {
	t.Parallel()
	seq := "steps:\n  - id: a\n    cmd: fake echo hello\n  - id: b\n    cmd: fake echo world\n"
	_, _, err, log, out := runFake(t, seq, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out != "hello\nworld\n" {
		t.Errorf("sequential output %q", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if len(line) < 20 || line[4] != '/' || line[7] != '/' || line[10] != ' ' || line[19] != ' ' {
			t.Errorf("log line not in acr-builder's format: %q", line)
		}
	}
	par := "steps:\n  - id: a\n    cmd: fake echo hello\n    when: [\"-\"]\n  - id: b\n    cmd: fake echo world\n    when: [\"-\"]\n"
	_, _, err, _, out = runFake(t, par, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "a | hello\n") || !strings.Contains(out, "b | world\n") {
		t.Errorf("parallel output %q", out)
	}
	_, _, err, log, out = runFakeTo(t, par, Options{}, output.Options{Format: output.JSON})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(log+out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		for _, k := range []string{"time", "level", "event"} {
			if _, ok := m[k]; !ok {
				t.Errorf("%q lacks %s", line, k)
			}
		}
		if m["event"] == evOutput && (m["step"] == nil || m["line"] == nil || m["stream"] == nil) {
			t.Errorf("output event %q", line)
		}
	}
}

func TestDryRunTouchesNoEngine(t *testing.T) {
	t.Parallel()
	var log syncBuf
	task := parseTask(t, "steps:\n  - id: a\n    cmd: mcr.microsoft.com/hello-world echo hi\n  - build: -t x .\n  - push: [x]\n")
	res, err := runParsed(context.Background(), t, task, nil, Options{RunID: "dry", DryRun: true, Output: output.New(output.Options{Log: &log}), ImageMap: map[string]string{"mcr.microsoft.com/hello-world": "local/hello"}})
	if err != nil || !res.Succeeded {
		t.Fatal(err)
	}
	for _, want := range []string{"[DRY RUN] Network acb_default_network", "image local/hello:latest", "Step acb_step_1 (build), after: a"} {
		if !strings.Contains(log.String(), want) && !strings.Contains(log.String(), strings.Replace(want, ":latest", "", 1)) {
			t.Errorf("plan lacks %q:\n%s", want, log.String())
		}
	}
}

func TestHostShellRefused(t *testing.T) {
	t.Parallel()
	_, _, err, _, _ := runFake(t, "steps:\n  - id: a\n    cmd: fake echo hi | tee x\n", Options{})
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "--allow-host-shell") {
		t.Errorf("err = %v", err)
	}
}

func TestMasking(t *testing.T) {
	t.Parallel()
	_, _, err, log, out := runFakeTo(t, "steps:\n  - id: a\n    cmd: fake echo s3cr3t-value here\n", Options{}, output.Options{Masker: newMasker("s3cr3t-value")})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out+log, "s3cr3t-value") {
		t.Errorf("secret leaked: %q", out)
	}
}
