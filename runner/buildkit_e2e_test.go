package runner

// BuildKit build steps on the real engine's embedded BuildKit, offline:
// every base image is the locally built busybox.

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/output"
	"github.com/acb-dev/acb/runner/source"
	"github.com/acb-dev/acb/secrets"
)

// These tests build with --network none: they need no network, and the
// engine's default bridge (docker0) may be missing on a machine shared with
// tests that start a second engine without one (dockerd --bridge=none
// deletes docker0).

// runImage runs cmd in image and returns its output.
func runImage(t *testing.T, image string, cmd ...string) string {
	t.Helper()
	eng := testenv.Engine(t)
	ctx := testenv.Context(t, time.Minute)
	name := testenv.RunID(t) + "-check"
	var out bytes.Buffer
	code, err := eng.RunContainer(ctx, engine.ContainerSpec{Name: name, Image: image, Cmd: cmd, Network: "none"}, engine.Streams{Stdout: &out, Stderr: &out})
	_ = eng.RemoveContainer(context.Background(), name)
	if err != nil || code != 0 {
		t.Fatalf("run %s %q: exit %d, %v\n%s", image, cmd, code, err, out.String())
	}
	return out.String()
}

// prepare writes files into a temporary source directory.
func prepare(t *testing.T, files map[string]string) (*source.Source, string) {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	src, err := source.Prepare(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Cleanup)
	return src, dir
}

// bkDockerfile exercises BuildKit-only instructions: a cache mount, a
// secret mount (its value printed by the build, so masking is tested), a
// build argument, COPY of a context filtered by .dockerignore, and stages
// selected by --target.
const bkDockerfile = `FROM $BB AS base
ARG GREETING
RUN --mount=type=cache,target=/cache-$RUN sh -c 'echo run >> /cache-$RUN/count; wc -l < /cache-$RUN/count > /cache-lines'
RUN --mount=type=secret,id=tok sh -c 'wc -c < /run/secrets/tok > /secret-len; echo "secret is $(cat /run/secrets/tok)"'
COPY . /ctx
RUN echo "$GREETING" > /greeting
FROM base AS final
RUN echo final > /final
FROM base AS other
RUN echo other > /other
`

func TestBuildKitE2EFeatures(t *testing.T) {
	t.Parallel()
	run := testenv.RunID(t)
	img := testenv.BusyboxImage(t)
	secret := "s3cr3t-" + run
	df := strings.NewReplacer("$BB", img, "$RUN", run).Replace(bkDockerfile)
	src, _ := prepare(t, map[string]string{
		"docker/Dockerfile": df, // outside the context directory
		"ctx/.dockerignore": "ignored.txt\n",
		"ctx/ignored.txt":   "ignored\n",
		"ctx/kept.txt":      "kept\n",
	})
	tag := "acbtest/bk-features-" + run + ":1"
	removeImages(t, tag)
	task := `
steps:
  - id: build
    build: --network none -t ` + tag + ` -f /workspace/docker/Dockerfile --target final --build-arg GREETING=hello --secret id=tok ctx
    env: ["DOCKER_BUILDKIT=1"]
`
	masker := secrets.NewMasker()
	masker.Add(secret)
	ctx := testenv.Context(t, 3*time.Minute)
	r := runMasked(t, ctx, task, Options{Source: src, BuildSecrets: map[string]string{"tok": secret}}, masker)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, want := range []string{"[internal] load build definition from Dockerfile", "[base 2/5] RUN --mount=type=cache", "secret is ***", "naming to docker.io/" + tag, "DONE"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("build output lacks %q:\n%s", want, r.out)
		}
	}
	if id := r.res.Step("build").ImageID; !strings.HasPrefix(id, "sha256:") {
		t.Errorf("image id %q", id)
	}
	got := runImage(t, tag, "sh", "-c", "cat /greeting /final /secret-len /cache-lines; ls /ctx; ls /other /run/secrets/tok 2>&1 || true")
	want := fmt.Sprintf("hello\nfinal\n%d\n1\nkept.txt\n", len(secret))
	if !strings.HasPrefix(got, want) || strings.Contains(got, "ignored") || !strings.Contains(got, "/other: No such file") {
		t.Errorf("image content:\n%s\nwant prefix:\n%s(no ignored.txt, no /other)", got, want)
	}
	assertSecretAbsent(t, tag, secret, r)

	// The cache mount outlives the build: a rebuild of the RUN (another
	// value of an ARG declared before it) appends.
	task2 := strings.Replace(task, "GREETING=hello", "GREETING=again", 1)
	r2 := runMasked(t, ctx, task2, Options{Source: src, BuildSecrets: map[string]string{"tok": secret}}, masker)
	if r2.err != nil {
		t.Fatal(r2.err)
	}
	if got := runImage(t, tag, "cat", "/cache-lines"); got != "2\n" {
		t.Errorf("cache mount lines after a second build %q, want 2", got)
	}
}

// runMasked is runReal with output masked by masker.
func runMasked(t *testing.T, ctx context.Context, src string, opts Options, masker *secrets.Masker) *realRun {
	t.Helper()
	var log, out syncBuf
	opts.Output = output.New(output.Options{Log: &log, Out: &out, Masker: masker})
	r := runReal(t, ctx, src, opts, false)
	r.log, r.out = log.String(), out.String()
	return r
}

// assertSecretAbsent checks a build secret is in no output, in no history
// entry and in no layer of the image.
func assertSecretAbsent(t *testing.T, tag, secret string, r *realRun) {
	t.Helper()
	if strings.Contains(r.out, secret) || strings.Contains(r.log, secret) {
		t.Errorf("the secret appears in the run's output or log")
	}
	hist, err := exec.Command("docker", "history", "--no-trunc", tag).CombinedOutput()
	if err != nil {
		t.Fatalf("docker history: %v\n%s", err, hist)
	}
	if bytes.Contains(hist, []byte(secret)) {
		t.Errorf("the secret appears in docker history:\n%s", hist)
	}
	saved, err := exec.Command("docker", "save", tag).Output()
	if err != nil {
		t.Fatalf("docker save: %v", err)
	}
	if bytes.Contains(saved, []byte(secret)) {
		t.Errorf("the secret appears in the image's layers or config")
	}
}

// A build after a cmd step reads the run volume (a private copy is synced);
// two build-only runs from one source directory sync it directly and pick
// up a change between them.
func TestBuildKitE2EContextsAndIncremental(t *testing.T) {
	t.Parallel()
	run := testenv.RunID(t)
	img := testenv.BusyboxImage(t)
	src, dir := prepare(t, map[string]string{
		"Dockerfile": "FROM " + img + "\nCOPY . /ctx\nRUN cat /ctx/file.txt\n",
		"file.txt":   "one\n",
	})
	tag := "acbtest/bk-ctx-" + run + ":1"
	removeImages(t, tag)
	ctx := testenv.Context(t, 3*time.Minute)

	r := runReal(t, ctx, `
steps:
  - cmd: $BB sh -c 'echo generated > gen.txt'
  - build: --network none -t `+tag+` .
    env: ["DOCKER_BUILDKIT=1"]
`, Options{Source: src}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := runImage(t, tag, "cat", "/ctx/gen.txt", "/ctx/file.txt"); got != "generated\none\n" {
		t.Errorf("volume context: image has %q", got)
	}

	build := "\nsteps:\n  - build: --network=none -t " + tag + " .\n"
	for i, content := range []string{"two\n", "three\n"} {
		if err := os.WriteFile(filepath.Join(dir, "file.txt"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runReal(t, ctx, build, Options{Source: src, BuildKit: true}, false)
		if r.err != nil {
			t.Fatal(r.err)
		}
		if !strings.Contains(r.out, "[internal] load build definition") {
			t.Errorf("run %d: --buildkit did not build with BuildKit:\n%s", i, r.out)
		}
		if got := runImage(t, tag, "cat", "/ctx/file.txt"); got != content {
			t.Errorf("run %d: image has %q, want %q (a stale context)", i, got, content)
		}
	}
}

// Two tags of a BuildKit build pushed to a registry: the report's digests
// are the registry's.
func TestBuildKitE2EPushDigests(t *testing.T) {
	t.Parallel()
	reg := testenv.Registry(t)
	run := testenv.RunID(t)
	img := testenv.BusyboxImage(t)
	src, _ := prepare(t, map[string]string{"Dockerfile": "FROM " + img + "\nRUN echo " + run + " > /id\n"})
	t1, t2 := reg+"/acbtest/bk:"+run+"-1", reg+"/acbtest/bk:"+run+"-2"
	removeImages(t, t1, t2)
	r := runReal(t, testenv.Context(t, 3*time.Minute), `
steps:
  - id: build
    build: --network none -t `+t1+` -t `+t2+` .
    cache: enabled
  - id: push
    push: ["`+t1+`", "`+t2+`"]
`, Options{Source: src}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	deps := r.res.Dependencies
	if len(deps) != 2 {
		t.Fatalf("report %+v, want 2 entries", deps)
	}
	for i, tag := range []string{t1, t2} {
		if served := testenv.RegistryDigest(t, tag); deps[i].Image == nil || deps[i].Image.Digest != served {
			t.Errorf("%s: reported %+v, registry serves %s", tag, deps[i].Image, served)
		}
	}
	if !strings.Contains(r.out, "exporting to image") {
		t.Errorf("cache: enabled did not build with BuildKit:\n%s", r.out)
	}
	// cache: enabled builds with an inline cache: the pushed image's config
	// carries BuildKit's cache metadata, for --cache-from on a later build.
	ref, err := name.ParseReference(t1)
	if err != nil {
		t.Fatal(err)
	}
	pushed, err := remote.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := pushed.RawConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(cfg, []byte("moby.buildkit.cache.v0")) {
		t.Errorf("the pushed image has no inline cache metadata:\n%s", cfg)
	}
}

// Heredocs need a newer frontend than Engine 20.10's: the error names the
// line. A BuildKit-only Dockerfile in a classic step gets a warning naming
// the env line to add.
func TestBuildKitE2EMessages(t *testing.T) {
	t.Parallel()
	img := testenv.BusyboxImage(t)
	info, err := testenv.Engine(t).BuildKitInfo(testenv.Context(t, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	src, _ := prepare(t, map[string]string{
		"heredoc/Dockerfile": "FROM " + img + "\nRUN <<EOF\necho hi\nEOF\n",
		"mount/Dockerfile":   "FROM " + img + "\nRUN --mount=type=cache,target=/c true\n",
		"syntax/Dockerfile":  "# syntax=acbtest/no-such-frontend:1\nFROM " + img + "\n",
	})
	ctx := testenv.Context(t, 2*time.Minute)
	r := runReal(t, ctx, "\nsteps:\n  - build: --network none heredoc\n    env: [\"DOCKER_BUILDKIT=1\"]\n", Options{Source: src}, false)
	if info.Heredocs {
		if r.err != nil {
			t.Fatalf("heredoc on a frontend with heredocs: %v", r.err)
		}
	} else if r.err == nil || !strings.Contains(r.err.Error(), "line 2 (a heredoc: RUN <<EOF) needs Dockerfile syntax 1.4") {
		t.Errorf("heredoc error: %v", r.err)
	}
	// The engine cannot get the frontend image: the error names the line.
	r = runReal(t, ctx, "\nsteps:\n  - build: --network none syntax\n    env: [\"DOCKER_BUILDKIT=1\"]\n", Options{Source: src}, false)
	if r.err == nil || !strings.Contains(r.err.Error(), "(Dockerfile /workspace/syntax/Dockerfile line 1 (# syntax=acbtest/no-such-frontend:1) asks BuildKit for the Dockerfile frontend image acbtest/no-such-frontend:1") {
		t.Errorf("# syntax= error: %v", r.err)
	}
	r = runReal(t, ctx, "\nsteps:\n  - build: --network none mount\n", Options{Source: src}, false)
	if r.err == nil {
		t.Errorf("the classic builder accepted RUN --mount")
	}
	if !strings.Contains(r.log, `WARNING: step acb_step_0: the Dockerfile needs BuildKit at line 2 (RUN --mount=type=cache,target=/c true); ACR builds it with BuildKit only when the step's env has DOCKER_BUILDKIT=1 (add env: ["DOCKER_BUILDKIT=1"] to the step)`) {
		t.Errorf("no warning naming the env line:\n%s", r.log)
	}
}

// A step timeout stops a BuildKit build: the run fails as timed out, the
// RUN's process ends, no image is tagged and nothing is left.
func TestBuildKitE2ETimeout(t *testing.T) {
	t.Parallel()
	run := testenv.RunID(t)
	img := testenv.BusyboxImage(t)
	marker := fmt.Sprintf("%d", 200000+time.Now().UnixNano()%700000)
	src, _ := prepare(t, map[string]string{"Dockerfile": "FROM " + img + "\nRUN sleep " + marker + "\n"})
	tag := "acbtest/bk-timeout-" + run + ":1"
	removeImages(t, tag)
	start := time.Now()
	r := runReal(t, testenv.Context(t, 2*time.Minute), `
steps:
  - build: --network none --no-cache -t `+tag+` .
    env: ["DOCKER_BUILDKIT=1"]
    timeout: 3
`, Options{Source: src}, false)
	if r.err == nil || !strings.Contains(r.err.Error(), "deadline exceeded") && !strings.Contains(r.err.Error(), "timed out") {
		t.Fatalf("run error %v, want a timeout", r.err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the timed-out run took %v", d)
	}
	for deadline := time.Now().Add(15 * time.Second); sleepingProcess(marker) && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
	}
	if sleepingProcess(marker) {
		t.Errorf("the build's RUN still runs after the timeout")
	}
	if _, err := testenv.Engine(t).InspectImage(context.Background(), tag); err == nil {
		t.Errorf("the timed-out build tagged %s", tag)
	}
}

// sleepingProcess reports whether a process "sleep <arg>" runs here (the
// engine is local: BuildKit's RUN processes are host processes).
func sleepingProcess(arg string) bool {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && bytes.Equal(b, []byte("sleep\x00"+arg+"\x00")) {
			return true
		}
	}
	return false
}

// --ssh default lends the ssh-agent to RUN --mount=type=ssh; without an
// agent the step fails before building, saying so.
func TestBuildKitE2ESSH(t *testing.T) {
	t.Parallel()
	img := testenv.BusyboxImage(t)
	sock := filepath.Join(t.TempDir(), "agent.sock")
	agent := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := agent.Start(); err != nil {
		t.Fatalf("ssh-agent: %v", err)
	}
	t.Cleanup(func() { _ = agent.Process.Kill(); _ = agent.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("ssh-agent made no socket: %v", err)
		}
	}
	src, _ := prepare(t, map[string]string{"Dockerfile": "FROM " + img + "\nRUN --mount=type=ssh test -S \"$SSH_AUTH_SOCK\" && echo agent-socket-ok\n"})
	task := "\nsteps:\n  - build: --network none --no-cache --ssh default .\n    env: [\"DOCKER_BUILDKIT=1\"]\n"
	ctx := testenv.Context(t, 2*time.Minute)
	r := runReal(t, ctx, task, Options{Source: src, SSHAuthSock: sock}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.out, "agent-socket-ok") {
		t.Errorf("the RUN saw no agent socket:\n%s", r.out)
	}
	r = runReal(t, ctx, task, Options{Source: src}, false)
	if r.err == nil || !strings.Contains(r.err.Error(), "build --ssh default: no ssh-agent (SSH_AUTH_SOCK is not set)") {
		t.Errorf("--ssh default without an agent: %v", r.err)
	}
}

// A tarball URL context is fetched by the engine's BuildKit itself, its
// Dockerfile read from the archive.
func TestBuildKitE2ETarballContext(t *testing.T) {
	t.Parallel()
	run := testenv.RunID(t)
	img := testenv.BusyboxImage(t)
	var tarball bytes.Buffer
	tw := tar.NewWriter(&tarball)
	for name, body := range map[string]string{
		"Dockerfile": "FROM " + img + "\nCOPY hello.txt /hello.txt\n",
		"hello.txt":  "from the tarball " + run + "\n",
	} {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-tar")
		_, _ = w.Write(tarball.Bytes())
	}))
	t.Cleanup(srv.Close)
	tag := "acbtest/bk-tarball-" + run + ":1"
	removeImages(t, tag)
	r := runReal(t, testenv.Context(t, 2*time.Minute), "\nsteps:\n  - build: --network none -t "+tag+" "+srv.URL+"/ctx.tar\n    env: [\"DOCKER_BUILDKIT=1\"]\n", Options{}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := runImage(t, tag, "cat", "/hello.txt"); got != "from the tarball "+run+"\n" {
		t.Errorf("image has %q", got)
	}
}
