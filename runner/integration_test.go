package runner

// Real-engine tests: they need the Docker engine (testenv fails, never
// skips, when there is none) and use only local images.

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/args"
	"github.com/acb-dev/acb/runner/docker"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/output"
	"github.com/acb-dev/acb/runner/source"
)

type realRun struct {
	eng   *docker.Engine
	runID string
	res   *Result
	err   error
	log   string
	out   string
}

// runReal runs src ("$BB" stands for the busybox image) on the engine with
// unique names, then checks that nothing labelled with the run id is left
// (unless the caller cleans kept objects first: skipLeftovers).
func runReal(t *testing.T, ctx context.Context, src string, opts Options, skipLeftovers bool) *realRun {
	t.Helper()
	eng := testenv.Engine(t)
	img := testenv.BusyboxImage(t)
	r := &realRun{eng: eng, runID: testenv.RunID(t)}
	opts.RunID = r.runID
	opts.UniqueNames = true
	if opts.Pull == "" {
		opts.Pull = PullNever
	}
	var log, out syncBuf
	if opts.Output == nil {
		opts.Output = output.New(output.Options{Log: &log, Out: &out})
	}
	task := parseTask(t, strings.ReplaceAll(src, "$BB", img))
	r.res, r.err = runParsed(ctx, t, task, eng, opts)
	r.log, r.out = log.String(), out.String()
	if !skipLeftovers {
		testenv.AssertNoLeftovers(t, r.runID)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s\noutput:\n%s", r.log, r.out)
		}
	})
	return r
}

func TestIntegrationWorkspaceSharingAndSource(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "from-source.txt"), []byte("source content\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("from-source.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	src, err := source.Prepare(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Cleanup()
	r := runReal(t, testenv.Context(t, 2*time.Minute), `
steps:
  - id: write
    cmd: $BB sh -c 'echo shared > shared.txt && mkdir -p sub && readlink link'
  - id: read
    workingDirectory: sub
    cmd: $BB sh -c 'pwd; cat ../shared.txt ../from-source.txt'
`, Options{Source: src}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := "from-source.txt\n/workspace/sub\nshared\nsource content\n"
	if r.out != want {
		t.Errorf("output %q, want %q", r.out, want)
	}
	for _, line := range []string{
		"Executing step ID: read. Timeout(sec): 600, Working directory: 'sub', Network: 'acb_default_network_",
		"Launching container with name: write-",
		"Successfully executed container: read-",
		"Step ID: write marked as successful (elapsed time in seconds: ",
		"Setting up Docker configuration...",
	} {
		if !strings.Contains(r.log, line) {
			t.Errorf("log lacks %q", line)
		}
	}
}

func TestIntegrationNetworkByName(t *testing.T) {
	t.Parallel()
	r := runReal(t, testenv.Context(t, 2*time.Minute), `
steps:
  - id: web
    cmd: $BB httpd -f -p 8080 -h /www
    detach: true
  - id: client
    cmd: $BB sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://web:8080/ && exit 0; sleep 0.3; done; exit 1'
`, Options{}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.out, "hello from acbtest/busybox") {
		t.Errorf("output %q", r.out)
	}
	if id := r.res.Step("web").ContainerID; len(id) != 64 || !strings.Contains(r.out, id) {
		t.Errorf("detached id %q not printed", id)
	}
}

func TestIntegrationEnvWorkdirUserEntrypointSecrets(t *testing.T) {
	t.Parallel()
	secret := base64.StdEncoding.EncodeToString([]byte("p@ss\x00word\n"))
	r := runReal(t, testenv.Context(t, 2*time.Minute), `
volumes:
  - name: creds
    secret:
      pw: `+secret+`
steps:
  - id: props
    env: ["A=one", "B=two words"]
    workingDirectory: /tmp
    user: nobody
    entryPoint: sh
    cmd: $BB -c 'echo "$A|$B|$(pwd)|$(id -u)|$HOME"'
  - id: nowd
    disableWorkingDirectoryOverride: true
    cmd: $BB pwd
  - id: sec
    volumeMounts:
      - name: creds
        mountPath: /run/creds
    cmd: $BB sh -c 'stat -c %a /run/creds/pw; od -An -c /run/creds/pw'
`, Options{}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	lines := strings.Split(r.out, "\n")
	if len(lines) < 4 {
		t.Fatalf("output %q", r.out)
	}
	if lines[0] != "one|two words|/tmp|65534|/acb/home" {
		t.Errorf("props: %q", lines[0])
	}
	if lines[1] != "/" {
		t.Errorf("disableWorkingDirectoryOverride: pwd %q, want the image's /", lines[1])
	}
	if lines[2] != "400" || !strings.Contains(r.out, `p   @   s   s  \0   w   o   r   d  \n`) {
		t.Errorf("secret file: %q", r.out)
	}
	if !strings.Contains(r.log, "Volume source creds successfully created") {
		t.Error("no volume line")
	}
}

// uptimes reads "start end" /proc/uptime values printed by a step.
func uptimes(t *testing.T, out, step string) (float64, float64) {
	t.Helper()
	var v []float64
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, step+" | "); ok {
			f, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			if err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			v = append(v, f)
		}
	}
	if len(v) != 2 {
		t.Fatalf("step %s printed %v", step, v)
	}
	return v[0], v[1]
}

func TestIntegrationParallelOverlap(t *testing.T) {
	t.Parallel()
	r := runReal(t, testenv.Context(t, 2*time.Minute), `
steps:
  - id: p1
    when: ["-"]
    cmd: $BB sh -c 'cat /proc/uptime; sleep 1.5; cat /proc/uptime'
  - id: p2
    when: ["-"]
    cmd: $BB sh -c 'cat /proc/uptime; sleep 1.5; cat /proc/uptime'
`, Options{}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	s1, e1 := uptimes(t, r.out, "p1")
	s2, e2 := uptimes(t, r.out, "p2")
	if !(s1 < e2 && s2 < e1) {
		t.Errorf("steps did not overlap: p1 %v-%v, p2 %v-%v", s1, e1, s2, e2)
	}
}

func TestIntegrationFailureLines(t *testing.T) {
	t.Parallel()
	r := runReal(t, testenv.Context(t, 2*time.Minute), `
steps:
  - id: a
    cmd: $BB sh -c 'exit 3'
    retries: 1
    retryDelay: 1
    ignoreErrors: true
  - id: rep
    cmd: $BB true
    repeat: 1
  - id: slow
    cmd: $BB sleep 30
    timeout: 1
  - id: never
    cmd: $BB true
`, Options{}, false)
	var se *StepError
	if !errors.As(r.err, &se) || se.StepID != "slow" || r.err.Error() != "failed to run step ID: slow: timed out" {
		t.Fatalf("err = %v", r.err)
	}
	a, slow := "a-"+shortID(r.runID), "slow-"+shortID(r.runID)
	for _, line := range []string{
		"Launching container with name: " + a,
		"Container failed during run: " + a + ", waiting 1 seconds before retrying...",
		"Container failed during run: " + a + ". No retries remaining.",
		"Step ID: a encountered an error: exit status 3, but is set to ignore errors. Continuing...",
		"Container failed during run: " + slow + ". No retries remaining.",
	} {
		if !strings.Contains(r.log, line) {
			t.Errorf("log lacks %q", line)
		}
	}
	if c := strings.Count(r.log, "Successfully executed container: rep-"); c != 2 {
		t.Errorf("repeat: %d successes, want 2", c)
	}
	if r.res.Step("never").Status != StepSkipped {
		t.Error("step after the failure ran")
	}
}

func TestIntegrationDetachAndKeep(t *testing.T) {
	t.Parallel()
	r := runReal(t, testenv.Context(t, 2*time.Minute), `
steps:
  - id: bg
    cmd: $BB sleep 300
    detach: true
  - id: kept
    cmd: $BB echo kept
    keep: true
`, Options{}, true)
	if r.err != nil {
		t.Fatal(r.err)
	}
	ctx := testenv.Context(t, time.Minute)
	objs, err := r.eng.ListLabeled(ctx, engine.LabelRun, r.runID)
	if err != nil {
		t.Fatal(err)
	}
	kept := "kept-" + shortID(r.runID)
	if len(objs.Containers) != 1 || objs.Containers[0] != kept {
		t.Errorf("containers left: %q, want only %s (the detached one must be gone)", objs.Containers, kept)
	}
	if !strings.Contains(r.log, "Keeping containers: "+kept) {
		t.Error("kept container not logged")
	}
	for _, c := range objs.Containers {
		if err := r.eng.RemoveContainer(ctx, c); err != nil {
			t.Error(err)
		}
	}
	for _, v := range objs.Volumes {
		if err := r.eng.RemoveVolume(ctx, v); err != nil {
			t.Error(err)
		}
	}
	for _, n := range objs.Networks {
		if err := r.eng.RemoveNetwork(ctx, n); err != nil {
			t.Error(err)
		}
	}
	testenv.AssertNoLeftovers(t, r.runID)
}

func TestIntegrationNameCollision(t *testing.T) {
	t.Parallel()
	eng := testenv.Engine(t)
	img := testenv.BusyboxImage(t)
	ctx := testenv.Context(t, 2*time.Minute)
	runID := testenv.RunID(t)
	other := runID + "-other"
	blocker := "clash-" + shortID(runID)
	if _, err := eng.StartContainer(ctx, engine.ContainerSpec{Name: blocker, Image: img, Cmd: []string{"sleep", "60"},
		Labels: map[string]string{engine.LabelRun: other}}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = eng.RemoveContainer(context.Background(), blocker)
		testenv.AssertNoLeftovers(t, other)
	}()
	var log syncBuf
	task := parseTask(t, "steps:\n  - id: clash\n    cmd: "+img+" true\n    retries: 3\n")
	start := time.Now()
	_, err := runParsed(ctx, t, task, eng, Options{RunID: runID, UniqueNames: true, Output: output.New(output.Options{Log: &log})})
	if err == nil || !strings.Contains(err.Error(), "container name "+blocker+" is already in use (another run on this engine?); use --unique-names") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 10*time.Second || strings.Contains(log.String(), "retrying") {
		t.Error("a name collision was retried")
	}
	testenv.AssertNoLeftovers(t, runID)
	if ok, _ := eng.ContainerExists(ctx, blocker); !ok {
		t.Error("the other run's container was removed")
	}
}

func TestIntegrationBuildAndPush(t *testing.T) {
	t.Parallel()
	reg := testenv.Registry(t)
	dir := t.TempDir()
	files := map[string]string{
		"app/Dockerfile":    "FROM " + testenv.BusyboxImage(t) + "\nCOPY . /ctx\n",
		"app/keep.txt":      "keep\n",
		"app/drop.log":      "drop\n",
		"app/.dockerignore": "*.log\n",
	}
	writeTree(t, dir, files)
	src, err := source.Prepare(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Cleanup()
	tag := reg + "/acbtest/built:" + strconv.FormatInt(time.Now().UnixNano(), 36)
	var scanned []byte
	r := runReal(t, testenv.Context(t, 3*time.Minute), `
steps:
  - id: gen
    cmd: $BB sh -c 'echo generated > app/gen.txt'
  - id: build
    workingDirectory: app
    build: -t `+tag+` .
  - id: check
    cmd: `+tag+` ls /ctx
  - id: push
    push: ["`+tag+`"]
`, Options{Source: src, testHooks: testHooks{scan: func(_ context.Context, _ *graph.Step, _ *args.Build, df []byte) error { scanned = df; return nil }}}, false)
	defer func() { _ = r.eng.RemoveImage(context.Background(), tag) }()
	if r.err != nil {
		t.Fatal(r.err)
	}
	if string(scanned) != files["app/Dockerfile"] {
		t.Errorf("scan hook got %q", scanned)
	}
	for _, want := range []string{"keep.txt", "gen.txt", "Dockerfile"} {
		if !strings.Contains(r.out, want+"\n") {
			t.Errorf("image lacks %s: %q", want, r.out)
		}
	}
	if strings.Contains(r.out, "drop.log") {
		t.Error(".dockerignore not applied")
	}
	for _, line := range []string{"Scanning for dependencies...", "Successfully scanned dependencies",
		"Pushing image: " + tag + ", attempt 1", "Successfully pushed image: " + tag} {
		if !strings.Contains(r.log, line) {
			t.Errorf("log lacks %q", line)
		}
	}
	if r.res.Step("build").ImageID == "" {
		t.Error("no image id")
	}
	ref, err := name.ParseReference(tag)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Head(ref)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.res.Step("push").Digests[tag]; got != desc.Digest.String() {
		t.Errorf("recorded digest %q, registry says %s", got, desc.Digest)
	}
}

func TestIntegrationCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(testenv.Context(t, 2*time.Minute))
	defer cancel()
	log := &watchLog{launched: make(chan struct{}), needle: "Launching container with name: long-"}
	go func() {
		select {
		case <-log.launched:
			time.Sleep(300 * time.Millisecond)
			cancel()
		case <-ctx.Done():
		}
	}()
	start := time.Now()
	r := runReal(t, ctx, `
steps:
  - id: side
    when: ["-"]
    cmd: $BB sleep 120
  - id: long
    when: ["-"]
    cmd: $BB sleep 120
  - id: after
    when: ["long"]
    cmd: $BB true
`, Options{Output: output.New(output.Options{Log: log})}, false)
	if !errors.Is(r.err, context.Canceled) {
		t.Errorf("err = %v, want a cancellation", r.err)
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("cancellation took %v", d)
	}
}

// watchLog closes launched when needle is first written.
type watchLog struct {
	syncBuf
	needle   string
	launched chan struct{}
	seen     bool
}

func (w *watchLog) Write(p []byte) (int, error) {
	n, err := w.syncBuf.Write(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.seen && strings.Contains(w.b.String(), w.needle) {
		w.seen = true
		close(w.launched)
	}
	return n, err
}

func TestIntegrationPullNever(t *testing.T) {
	t.Parallel()
	r := runReal(t, testenv.Context(t, time.Minute), `
steps:
  - id: missing
    cmd: acbtest/does-not-exist:1 true
`, Options{Pull: PullNever, ImageMap: map[string]string{"acbtest/unused": "x"}}, false)
	if r.err == nil || !strings.Contains(r.err.Error(), "image acbtest/does-not-exist:1 not found locally") {
		t.Errorf("err = %v", r.err)
	}
	if !strings.Contains(r.log, "Step ID: missing: image acbtest/does-not-exist:1 not found locally") {
		t.Error("no log line naming the step")
	}
}
