package main

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/acb-dev/acb/internal/testenv"
)

// writeFiles writes files (relative names) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for n, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// e2eID is a short run id (at most 8 characters, so --unique-names uses it
// as is) unique to this process and call.
var e2eSeq struct {
	sync.Mutex
	n int
}

func e2eID(prefix string) string {
	e2eSeq.Lock()
	defer e2eSeq.Unlock()
	e2eSeq.n++
	// The whole pid (base 36, 5 or 6 characters) keeps two test processes
	// on the shared engine apart; the sequence, calls of this one.
	n := int64(os.Getpid())*100 + int64(e2eSeq.n%100)
	limit := int64(1)
	for range 8 - len(prefix) {
		limit *= 36
	}
	return prefix + strconv.FormatInt(n%limit, 36)
}

// TestE2EDefaultNames runs a sample-like task without --unique-names and
// checks ACR's bare names: acb_default_network and the step ids.
func TestE2EDefaultNames(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": "version: v1.1.0\nsteps:\n  - id: first\n    cmd: " + bb + " echo one\n  - id: second\n    cmd: " + bb + " echo two\n"})
	id := e2eID("dn")
	r := acbRun(t, "run", dir, "--id", id, "--pull", "never")
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	assertLogOrder(t, r.log,
		"Downloading source code...",
		"Finished downloading source code",
		"Alias support enabled for version >= 1.1.0, please see https://aka.ms/acr/tasks/task-aliases for more information.",
		"Using acb_vol_",
		"Creating Docker network: acb_default_network, driver: 'bridge'",
		"Successfully set up Docker network: acb_default_network",
		"Setting up Docker configuration...",
		"Successfully set up Docker configuration",
		"Executing step ID: first. Timeout(sec): 600, Working directory: '', Network: 'acb_default_network'",
		"Launching container with name: first",
		"Successfully executed container: first",
		"Executing step ID: second. Timeout(sec): 600, Working directory: '', Network: 'acb_default_network'",
		"Launching container with name: second",
		"Successfully executed container: second",
		"Step ID: first marked as successful (elapsed time in seconds: ",
		"Step ID: second marked as successful (elapsed time in seconds: ",
	)
	if r.out != "one\ntwo\n" {
		t.Errorf("stdout %q", r.out)
	}
	if !strings.Contains(r.log, "\n\nRun ID: "+id+" was successful after ") {
		t.Error("no final line")
	}
	testenv.AssertNoLeftovers(t, id)
}

// TestE2EPushDigests builds one image with two tags and pushes them to
// Debian's docker-registry (with basic auth) and to the in-process
// registry; the digests the registries report must be those acb printed.
func TestE2EPushDigests(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	dist := testenv.DistributionRegistry(t, testenv.DistributionOptions{Username: "acb", Password: "pw-e2e"})
	mem := testenv.Registry(t)
	id := e2eID("pd")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile":  "FROM " + bb + "\nCOPY payload.txt /payload.txt\n",
		"payload.txt": "payload " + id + "\n",
		"acb.yaml": `version: v1.1.0
steps:
  - id: build
    build: -t {{.Values.D}}/e2e/push:$ID -t {{.Values.M}}/e2e/push:$ID .
  - id: push-dist
    push: ["{{.Values.D}}/e2e/push:$ID"]
  - id: push-mem
    when: ["build"]
    push: ["{{.Values.M}}/e2e/push:$ID"]
`,
	})
	refs := map[string]authn.Authenticator{
		dist + "/e2e/push:" + id: &authn.Basic{Username: "acb", Password: "pw-e2e"},
		mem + "/e2e/push:" + id:  authn.Anonymous,
	}
	for ref := range refs {
		t.Cleanup(func() { removeImage(t, ref) })
	}
	r := acbRun(t, "run", dir, "--id", id, "--unique-names", "--set", "D="+dist, "--set", "M="+mem,
		"--credential", "server="+dist+",username=acb,password=pw-e2e")
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	for ref, auth := range refs {
		assertLogOrder(t, r.log, "Pushing image: "+ref+", attempt 1", "Successfully pushed image: "+ref)
		pr, err := name.ParseReference(ref, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		desc, err := remote.Head(pr, remote.WithAuth(auth))
		if err != nil {
			t.Errorf("HEAD %s: %v", ref, err)
			continue
		}
		tag := pr.Identifier()
		if !strings.Contains(r.out, tag+": digest: "+desc.Digest.String()) {
			t.Errorf("push output lacks %s's digest %s", ref, desc.Digest)
		}
		if !strings.Contains(r.log, "digest: "+desc.Digest.String()) {
			t.Errorf("dependency report lacks %s's digest %s", ref, desc.Digest)
		}
	}
	if strings.Contains(r.out+r.log, "pw-e2e") {
		t.Error("the registry password leaked into the output")
	}
	testenv.AssertNoLeftovers(t, id)
}

// gitRepo creates a git repository with a commit on branch main holding
// app/acb.yaml, app/Dockerfile and top.txt, and returns its path and the
// commit.
func gitRepo(t *testing.T) (dir, commit string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	bb := testenv.BusyboxImage(t)
	dir = filepath.Join(t.TempDir(), "repo")
	writeFiles(t, dir, map[string]string{
		"top.txt":        "top\n",
		"app/Dockerfile": "FROM " + bb + "\n",
		"app/acb.yaml": `version: v1.1.0
steps:
  - id: show
    cmd: ` + bb + ` echo {{.Run.Commit}} {{.Run.Branch}}
  - id: where
    cmd: ` + bb + ` sh -c 'pwd; ls'
`,
	})
	git := func(args ...string) string { return testenv.Git(t, dir, args...) }
	git("init", "-q", "-b", "main")
	git("add", ".")
	git("commit", "-q", "-m", "e2e")
	return dir, git("rev-parse", "HEAD")
}

// TestE2EContexts runs tasks from git contexts (a local repository as a
// plain path, a file:// URL and path#branch:subdir), a tar.gz file and
// /dev/null.
func TestE2EContexts(t *testing.T) {
	t.Parallel()
	repo, commit := gitRepo(t)
	bb := testenv.BusyboxImage(t)
	for _, c := range []struct {
		name, context, file, workdir, out string
	}{
		{"path", repo, "app/acb.yaml", "", commit + " main\n/workspace\napp\ntop.txt\n"},
		{"file-url", "file://" + repo, "app/acb.yaml", "", commit + " main\n/workspace\napp\ntop.txt\n"},
		{"branch-subdir", repo + "#main:app", "acb.yaml", "app", commit + " main\n/workspace/app\nDockerfile\nacb.yaml\n"},
	} {
		t.Run("git-"+c.name, func(t *testing.T) {
			t.Parallel()
			id := e2eID("gc")
			r := acbRun(t, "run", "-f", c.file, c.context, "--id", id, "--unique-names", "--pull", "never")
			if r.code != exitOK {
				t.Fatalf("exit %d", r.code)
			}
			if r.out != c.out {
				t.Errorf("stdout %q, want %q", r.out, c.out)
			}
			for _, s := range []string{"show", "where"} {
				want := fmt.Sprintf("Executing step ID: %s. Timeout(sec): 600, Working directory: '%s', Network: 'acb_default_network_%s'", s, c.workdir, id)
				assertLogOrder(t, r.log, want)
			}
			testenv.AssertNoLeftovers(t, id)
		})
	}
	t.Run("tar.gz", func(t *testing.T) {
		t.Parallel()
		id := e2eID("tg")
		archive := filepath.Join(t.TempDir(), "ctx.tar.gz")
		writeTarGz(t, archive, map[string]string{
			"acb.yaml":     "steps:\n  - id: read\n    cmd: " + bb + " cat sub/data.txt\n",
			"sub/data.txt": "from the archive\n",
		})
		r := acbRun(t, "run", archive, "--id", id, "--unique-names", "--pull", "never")
		if r.code != exitOK {
			t.Fatalf("exit %d", r.code)
		}
		if r.out != "from the archive\n" {
			t.Errorf("stdout %q", r.out)
		}
		testenv.AssertNoLeftovers(t, id)
	})
	t.Run("dev-null", func(t *testing.T) {
		t.Parallel()
		id := e2eID("dv")
		task := filepath.Join(t.TempDir(), "task.yaml")
		writeFiles(t, filepath.Dir(task), map[string]string{"task.yaml": "steps:\n  - id: empty\n    cmd: " + bb + " sh -c 'pwd; ls -A | wc -l'\n"})
		r := acbRun(t, "run", "-f", task, "/dev/null", "--id", id, "--unique-names", "--pull", "never")
		if r.code != exitOK {
			t.Fatalf("exit %d", r.code)
		}
		if got := strings.Join(strings.Fields(r.out), " "); got != "/workspace 0" {
			t.Errorf("stdout %q, want /workspace and an empty listing", r.out)
		}
		if strings.Contains(r.log, "Downloading source code") {
			t.Error("a run without context logs a source download")
		}
		testenv.AssertNoLeftovers(t, id)
	})
}

func writeTarGz(t *testing.T, path string, files map[string]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	for n, body := range files {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: n, Mode: 0o644, Size: int64(len(body)), ModTime: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []interface{ Close() error }{tw, zw, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestE2EBadInput checks that each kind of bad input gives one clear line
// naming the step (when there is one) and the cause, and the documented
// exit code.
func TestE2EBadInput(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	unreachable := closedAddr(t) + "/e2e/unreachable:1"
	buildImage(t, unreachable, map[string]string{"Dockerfile": "FROM " + bb + "\n"})
	for _, c := range []struct {
		name string
		task string   // acb.yaml in the context
		args []string // instead of the context
		code int
		want []string // all in one line of stderr
	}{
		{name: "missing-image", task: "steps:\n  - id: nope\n    cmd: acbtest/does-not-exist:1 true\n",
			code: exitFailed, want: []string{"step ID: nope", "image acbtest/does-not-exist:1 not found locally", "--image-map acbtest/does-not-exist:1=LOCAL", "--alias"}},
		{name: "unreachable-registry", task: "steps:\n  - id: up\n    push: [\"" + unreachable + "\"]\n",
			code: exitFailed, want: []string{"step ID: up", unreachable, "connection refused"}},
		{name: "missing-context", args: []string{"/nonexistent/acb-e2e-context"},
			code: exitInput, want: []string{"/nonexistent/acb-e2e-context", "no such file or directory"}},
		{name: "bad-dockerfile", task: "steps:\n  - id: img\n    build: -t acbtest/e2e-never:1 -f nope.dockerfile .\n",
			code: exitFailed, want: []string{"step ID: img", "nope.dockerfile"}},
		{name: "host-shell", task: "steps:\n  - id: pipe\n    cmd: " + bb + " echo a | " + bb + " cat\n",
			code: exitInput, want: []string{"step pipe", "host shell", "--allow-host-shell"}},
		{name: "unsupported-option", task: "steps:\n  - id: opt\n    cmd: --cap-add NET_ADMIN " + bb + " true\n",
			code: exitInput, want: []string{"step opt", "unsupported docker run option", "--cap-add"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			id := e2eID("bi")
			args := c.args
			if c.task != "" {
				dir := t.TempDir()
				writeFiles(t, dir, map[string]string{"acb.yaml": c.task})
				args = []string{dir}
			}
			start := time.Now()
			r := acbRun(t, append([]string{"run", "--id", id, "--unique-names", "--pull", "never"}, args...)...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d", r.code, c.code)
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %v", d)
			}
			assertOneLine(t, r.log, c.want...)
			testenv.AssertNoLeftovers(t, id)
		})
	}
}

// TestE2ENoEngine points DOCKER_HOST at a closed port.
func TestE2ENoEngine(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": "steps:\n  - id: any\n    cmd: acbtest/busybox:1 true\n"})
	t.Setenv("DOCKER_HOST", "tcp://127.0.0.1:1")
	r := acbRun(t, "run", dir)
	if r.code != exitInfra {
		t.Errorf("exit %d, want %d", r.code, exitInfra)
	}
	assertOneLine(t, r.log, "cannot reach the Docker engine at tcp://127.0.0.1:1")
	if n := len(strings.Split(strings.TrimSpace(r.log), "\n")); n != 1 {
		t.Errorf("%d lines on stderr, want one", n)
	}
}

// assertOneLine checks that one line of log holds every want.
func assertOneLine(t *testing.T, log string, want ...string) {
	t.Helper()
	for _, l := range strings.Split(log, "\n") {
		ok := true
		for _, w := range want {
			if !strings.Contains(l, w) {
				ok = false
				break
			}
		}
		if ok {
			return
		}
	}
	t.Errorf("no line of stderr holds all of %q", want)
}

// TestE2EConcurrentRuns runs the same task twice at once on one engine:
// without --unique-names the second fails fast on the name collision and
// the first is unharmed; with --unique-names both succeed.
func TestE2EConcurrentRuns(t *testing.T) {
	bb := testenv.BusyboxImage(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"acb.yaml": "steps:\n  - id: e2e-concurrent\n    cmd: " + bb + " sh -c 'sleep 3; echo done'\n"})
	both := func(t *testing.T, extra ...string) (first, second e2eResult, ids [2]string) {
		ids = [2]string{e2eID("cr"), e2eID("cr")}
		var log lockedBuffer
		done := make(chan e2eResult)
		go func() {
			var out lockedBuffer
			code := run(testenv.Context(t, 2*time.Minute), append([]string{"run", dir, "--id", ids[0], "--pull", "never"}, extra...), strings.NewReader(""), &out, &log)
			done <- e2eResult{out: out.String(), log: log.String(), code: code}
		}()
		if !waitFor(t, time.Minute, log.String, "Launching container with name: e2e-concurrent") {
			t.Fatalf("the first run did not start:\n%s", log.String())
		}
		second = acbRun(t, append([]string{"run", dir, "--id", ids[1], "--pull", "never"}, extra...)...)
		first = <-done
		return first, second, ids
	}
	t.Run("collision", func(t *testing.T) {
		start := time.Now()
		first, second, ids := both(t)
		if second.code == exitOK {
			t.Fatal("the second run succeeded")
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("took %v", d)
		}
		if !regexp.MustCompile(`already in use.*--unique-names`).MatchString(second.log) {
			t.Errorf("the second run's error does not name the collision and --unique-names:\n%s", second.log)
		}
		if first.code != exitOK || first.out != "done\n" {
			t.Errorf("the first run was harmed: exit %d, stdout %q\n%s", first.code, first.out, first.log)
		}
		testenv.AssertNoLeftovers(t, ids[0])
		testenv.AssertNoLeftovers(t, ids[1])
	})
	t.Run("unique-names", func(t *testing.T) {
		first, second, ids := both(t, "--unique-names")
		if first.code != exitOK || second.code != exitOK {
			t.Errorf("exit %d and %d\n%s\n%s", first.code, second.code, first.log, second.log)
		}
		if first.out != "done\n" || second.out != "done\n" {
			t.Errorf("stdout %q and %q", first.out, second.out)
		}
		testenv.AssertNoLeftovers(t, ids[0])
		testenv.AssertNoLeftovers(t, ids[1])
	})
}
