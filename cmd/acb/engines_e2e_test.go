package main

// End-to-end tests of engine selection (issue 15): a second dockerd started
// by the tests, reached through a docker context, DOCKER_CONTEXT, the
// current context of config.json, DOCKER_HOST, TLS over tcp and ssh. Each
// test checks which engine did the work with an image only the second
// engine has, and that a step's /var/run/docker.sock is the run's engine.
// They change the process environment (t.Setenv), so none runs in parallel.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdocker "github.com/docker/cli/cli/context/docker"
	"github.com/docker/cli/cli/context/store"

	"github.com/acb-dev/acb/internal/azurefake"
	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/docker/endpoint"
	"github.com/acb-dev/acb/runner/engine"
)

// secondEngine is the package's second dockerd, started on first use and
// stopped by TestMain.
var secondEngine struct {
	once   sync.Once
	d      *testenv.Dockerd
	client string // tag of the test Docker client image, only on d
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if err := secondEngine.d.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping the second dockerd:", err)
	}
	os.Exit(code)
}

// second returns the second dockerd (with TLS on a tcp port) and the tag of
// an image only it has: the test Docker client, which prints the
// DockerRootDir and image tags of the engine behind /var/run/docker.sock.
func second(t *testing.T) (*testenv.Dockerd, string) {
	t.Helper()
	secondEngine.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		d, err := testenv.StartDockerd(ctx, testenv.DockerdOptions{TLS: true})
		secondEngine.d, secondEngine.err = d, err
		if err != nil {
			return
		}
		e, err := d.Engine(ctx)
		if err != nil {
			secondEngine.err = err
			return
		}
		defer e.Close()
		secondEngine.client = fmt.Sprintf("acbtest/engine-client-%d:1", os.Getpid())
		secondEngine.err = testenv.BuildDockerClientImage(ctx, e, secondEngine.client, "second")
	})
	if errors.Is(secondEngine.err, testenv.ErrNoSecondDockerd) {
		t.Skipf("%v", secondEngine.err)
	}
	if secondEngine.err != nil {
		t.Fatalf("second dockerd: %v", secondEngine.err)
	}
	return secondEngine.d, secondEngine.client
}

// engineTask writes a task that builds an image FROM the client image
// (which only the engine under test has) and runs it as a cmd step: the
// step prints what the engine behind its socket holds.
func engineTask(t *testing.T, client string) (dir, built string) {
	t.Helper()
	dir = t.TempDir()
	built = fmt.Sprintf("acbtest/built-on-engine-%d:{{.Run.ID}}", os.Getpid())
	files := map[string]string{
		"Dockerfile": "FROM " + client + "\n",
		"acb.yaml": "version: v1.1.0\nsteps:\n" +
			"  - id: build\n    build: -t " + built + " .\n" +
			"  - id: probe\n    cmd: " + built + "\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, strings.ReplaceAll(built, "{{.Run.ID}}", "")
}

// isolateEngineEnv clears every variable that chooses an engine and points
// DOCKER_CONFIG at an empty directory, which it returns.
func isolateEngineEnv(t *testing.T) string {
	t.Helper()
	cfg := t.TempDir()
	for _, k := range []string{"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_API_VERSION"} {
		t.Setenv(k, "")
	}
	t.Setenv("DOCKER_CONFIG", cfg)
	return cfg
}

// storeContext writes a docker context with the docker CLI's own store.
func storeContext(t *testing.T, cfg, name, host string, tls map[string][]byte) {
	t.Helper()
	s := endpoint.NewStore(cfg)
	if err := s.CreateOrUpdate(store.Metadata{Name: name,
		Endpoints: map[string]any{cdocker.DockerEndpoint: cdocker.EndpointMeta{Host: host}}}); err != nil {
		t.Fatal(err)
	}
	if tls != nil {
		if err := s.ResetEndpointTLSMaterial(name, cdocker.DockerEndpoint, &store.EndpointTLSData{Files: tls}); err != nil {
			t.Fatal(err)
		}
	}
}

// assertRanOn checks a run's result: it succeeded, its log names the
// engine as want, and (when stepSeesRun) the cmd step's socket reached the
// run's engine: its DockerRootDir is root and it has the image the run built.
func assertRanOn(t *testing.T, r e2eResult, root, built, wantLog string, stepSeesRun bool) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d, want 0 (the client image exists only on the second engine)", r.code)
	}
	lines := logLines(r.log)
	if len(lines) < 2 || !strings.Contains(lines[0], "Using Docker engine: "+wantLog) ||
		!strings.HasPrefix(lines[1], "Docker engine version: ") {
		t.Errorf("the first log lines do not name the engine %q:\n%s", wantLog, strings.Join(lines[:min(3, len(lines))], "\n"))
	}
	if !stepSeesRun {
		return
	}
	if !strings.Contains(r.out, "root="+root+"\n") {
		t.Errorf("the step's /var/run/docker.sock is not the run's engine: want root=%s in\n%s", root, r.out)
	}
	if !hasImageLine(r.out, built) {
		t.Errorf("the step's docker does not see the image the run built (%s...):\n%s", built, r.out)
	}
}

func TestE2EEngineByContext(t *testing.T) {
	d, client := second(t)
	main := testenv.Engine(t)
	if _, err := main.InspectImage(testenv.Context(t, 30*time.Second), client); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("the main engine has %s (%v): the test could not tell the engines apart", client, err)
	}
	dir, built := engineTask(t, client)
	cases := []struct {
		name    string
		set     func(t *testing.T, cfg string) []string // extra acb args
		wantLog string
	}{
		{"--context", func(t *testing.T, cfg string) []string {
			t.Setenv("DOCKER_CONTEXT", "does-not-exist") // the flag wins
			return []string{"--context", "second"}
		}, `context "second" (` + d.Host + `), from --context`},
		{"DOCKER_CONTEXT", func(t *testing.T, cfg string) []string {
			t.Setenv("DOCKER_CONTEXT", "second")
			return nil
		}, `context "second" (` + d.Host + `), from DOCKER_CONTEXT`},
		{"currentContext", func(t *testing.T, cfg string) []string {
			if err := os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{"currentContext": "second"}`), 0o600); err != nil {
				t.Fatal(err)
			}
			return nil
		}, `context "second" (` + d.Host + `), the current context`},
		{"DOCKER_HOST", func(t *testing.T, cfg string) []string {
			t.Setenv("DOCKER_CONTEXT", "does-not-exist") // DOCKER_HOST wins, as in the docker CLI
			t.Setenv("DOCKER_HOST", d.Host)
			return nil
		}, d.Host + ", from DOCKER_HOST"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := isolateEngineEnv(t)
			storeContext(t, cfg, "second", d.Host, nil)
			args := append([]string{"run", "-f", "acb.yaml", dir}, c.set(t, cfg)...)
			r := acbRun(t, args...)
			assertRanOn(t, r, d.DataRoot, built, c.wantLog, true)
		})
	}
}

func TestE2EUnknownContext(t *testing.T) {
	cfg := isolateEngineEnv(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "acb.yaml"), []byte("version: v1.1.0\nsteps:\n  - cmd: acbtest/busybox:1 true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		env  string
	}{
		{"flag", []string{"--context", "nonexistent"}, ""},
		{"DOCKER_CONTEXT", nil, "nonexistent"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("DOCKER_CONTEXT", c.env)
			r := acbRun(t, append([]string{"run", "-f", "acb.yaml", dir}, c.args...)...)
			if r.code != exitInput || !strings.Contains(r.log, `docker context "nonexistent"`) || !strings.Contains(r.log, filepath.Join(cfg, "contexts")) {
				t.Errorf("exit %d, want %d and an error naming the context:\n%s", r.code, exitInput, r.log)
			}
		})
	}
}

func TestE2EEngineTLS(t *testing.T) {
	d, client := second(t)
	dir := t.TempDir()
	task := "version: v1.1.0\nsteps:\n  - cmd: " + client + "\n"
	if err := os.WriteFile(filepath.Join(dir, "acb.yaml"), []byte(task), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Run("DOCKER_TLS_VERIFY", func(t *testing.T) {
		isolateEngineEnv(t)
		t.Setenv("DOCKER_HOST", d.TCPHost)
		t.Setenv("DOCKER_TLS_VERIFY", "1")
		t.Setenv("DOCKER_CERT_PATH", d.TLS.Dir)
		r := acbRun(t, "run", "-f", "acb.yaml", dir)
		assertRanOn(t, r, d.DataRoot, "", d.TCPHost+", from DOCKER_HOST", false)
		if !strings.Contains(r.log, "Steps get /var/run/docker.sock of the engine's host") {
			t.Errorf("a tcp engine's steps: no line saying which socket they get:\n%s", r.log)
		}
	})
	t.Run("context TLS material", func(t *testing.T) {
		cfg := isolateEngineEnv(t)
		storeContext(t, cfg, "second-tls", d.TCPHost, map[string][]byte{
			"ca.pem": read(d.TLS.CA), "cert.pem": read(d.TLS.Cert), "key.pem": read(d.TLS.Key)})
		r := acbRun(t, "run", "-f", "acb.yaml", dir, "--context", "second-tls")
		assertRanOn(t, r, d.DataRoot, "", `context "second-tls" (`+d.TCPHost+`), from --context`, false)
	})
	t.Run("no client certificate", func(t *testing.T) {
		isolateEngineEnv(t)
		t.Setenv("DOCKER_HOST", d.TCPHost)
		r := acbRun(t, "run", "-f", "acb.yaml", dir)
		if r.code != exitInfra || !strings.Contains(r.log, "cannot reach the Docker engine at "+d.TCPHost) {
			t.Errorf("plain HTTP to a TLS engine: exit %d, want %d and a clear error:\n%s", r.code, exitInfra, r.log)
		}
	})
}

func TestE2EEngineSSH(t *testing.T) {
	d, client := second(t)
	sshd, err := testenv.StartSSHD(testenv.Context(t, time.Minute))
	t.Cleanup(func() { _ = sshd.Stop() })
	if errors.Is(err, testenv.ErrNoSSHD) {
		t.Skipf("%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	cfg := isolateEngineEnv(t)
	t.Setenv("PATH", sshd.BinDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	host := sshd.Host(d.Socket) // the remote docker dials the second engine's socket
	storeContext(t, cfg, "over-ssh", host, nil)
	dir, built := engineTask(t, client)
	mi := azurefake.NewManagedIdentity(t)
	mi.SetEnv(t)
	r := acbRun(t, "run", "-f", "acb.yaml", dir, "--context", "over-ssh", "--identity", "[system]")
	assertRanOn(t, r, d.DataRoot, built, `context "over-ssh" (`+host+`), from --context`, true)
	if n := strings.Count(r.log, "Step identity unavailable: the Docker engine at "+host+" is not on this machine"); n != 1 {
		t.Errorf("an ssh engine: %d step identity notes, want 1:\n%s", n, r.log)
	}
	// acb registry serve says once why an ssh engine cannot reach it.
	ctx, cancel := context.WithCancel(context.Background())
	var regLog lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"registry", "serve", "--addr", testenv.FreeAddr(t), "--context", "over-ssh"}, strings.NewReader(""), io.Discard, &regLog)
	}()
	ok := waitFor(t, 10*time.Second, regLog.String, "Registry unavailable to the engine")
	cancel()
	<-done
	if !ok || strings.Count(regLog.String(), "Registry unavailable") != 1 {
		t.Errorf("acb registry serve with an ssh engine: %q, want one line saying why", regLog.String())
	}
}

// TestE2ELocalServicesOnSecondEngine: the step identity endpoint and acb
// registry serve work for a local engine reached through a context (a
// non-default socket): a step on the second engine gets a token, and the
// run pushes its build to the served registry.
func TestE2ELocalServicesOnSecondEngine(t *testing.T) {
	d, client := second(t)
	ctx := testenv.Context(t, 2*time.Minute)
	e2, err := d.Engine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if _, err := testenv.EnsureBusybox(ctx, e2); err != nil {
		t.Fatal(err)
	}
	mi := azurefake.NewManagedIdentity(t)
	mi.SetEnv(t)
	cfg := isolateEngineEnv(t)
	storeContext(t, cfg, "second", d.Host, nil)

	addr := testenv.FreeAddr(t)
	var regLog lockedBuffer
	regCtx, stopReg := context.WithCancel(context.Background())
	regDone := make(chan int, 1)
	go func() {
		regDone <- run(regCtx, []string{"registry", "serve", "--addr", addr, "--context", "second"}, strings.NewReader(""), io.Discard, &regLog)
	}()
	t.Cleanup(func() { stopReg(); <-regDone })
	if !waitFor(t, 10*time.Second, func() string { return probeTCP(addr) }, "open") {
		t.Fatalf("acb registry serve did not listen on %s: %s", addr, regLog.String())
	}

	dir := t.TempDir()
	files := map[string]string{
		"Dockerfile": "FROM " + client + "\n",
		"acb.yaml": "version: v1.1.0\nsteps:\n" +
			"  - id: token\n    cmd: |-\n      " + testenv.BusyboxTag + ` sh -c 'wget -q -O - --header "X-IDENTITY-HEADER: $IDENTITY_HEADER" "$IDENTITY_ENDPOINT?api-version=2019-08-01&resource=https://management.azure.com/"'` + "\n" +
			"  - id: build\n    build: -t " + addr + "/engines/probe:{{.Run.ID}} .\n" +
			"  - id: push\n    push: [" + addr + "/engines/probe:{{.Run.ID}}]\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := acbRun(t, "run", "-f", "acb.yaml", dir, "--context", "second", "--identity", "[system]", "--pull", "never")
	assertRanOn(t, r, d.DataRoot, "", `context "second" (`+d.Host+`), from --context`, false)
	if strings.Contains(r.log, "unavailable") || strings.Contains(regLog.String(), "unavailable") {
		t.Errorf("a local engine through a context was called unavailable:\n%s\n%s", r.log, regLog.String())
	}
	if !strings.Contains(r.out, `"token_type":"Bearer"`) {
		t.Errorf("the step on the second engine got no token from the identity endpoint:\n%s", r.out)
	}
	if !strings.Contains(r.log, "Successfully pushed image: "+addr+"/engines/probe:") {
		t.Errorf("no push to the served registry:\n%s", r.log)
	}
}

// probeTCP says "open" when addr accepts a connection.
func probeTCP(addr string) string {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err.Error()
	}
	c.Close()
	return "open"
}

// hasImageLine reports whether the test client printed an image= line with
// a tag starting with ref (Podman names it docker.io/ref).
func hasImageLine(out, ref string) bool {
	for _, line := range strings.Split(out, "\n") {
		tag, ok := strings.CutPrefix(line, "image=")
		if ok && (strings.HasPrefix(tag, ref) || strings.HasPrefix(tag, "docker.io/"+ref)) {
			return true
		}
	}
	return false
}

// TestE2EPodman runs build and cmd steps through Podman's Docker-compatible
// service (Debian's podman), reached through a context: the log names
// Podman, the build is FROM an image only that Podman has, the step's
// /var/run/docker.sock is Podman's socket, and the step identity endpoint
// is said once to be unavailable.
func TestE2EPodman(t *testing.T) {
	ctx := testenv.Context(t, 3*time.Minute)
	p, err := testenv.StartPodman(ctx)
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("stopping podman: %v", err)
		}
	})
	if errors.Is(err, testenv.ErrNoPodman) {
		t.Skipf("%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	e, err := p.Engine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	client := fmt.Sprintf("acbtest/podman-client-%d:1", os.Getpid())
	if err := testenv.BuildDockerClientImage(ctx, e, client, "podman"); err != nil {
		t.Fatal(err)
	}
	mi := azurefake.NewManagedIdentity(t)
	mi.SetEnv(t)
	cfg := isolateEngineEnv(t)
	storeContext(t, cfg, "podman", p.Host, nil)
	dir, built := engineTask(t, client)
	r := acbRun(t, "run", "-f", "acb.yaml", dir, "--context", "podman", "--pull", "never", "--identity", "[system]")
	assertRanOn(t, r, p.Root, built, `context "podman" (`+p.Host+`), from --context`, true)
	// Podman creates a network's bridge with its first container, after
	// acb would listen on its gateway: acb says once that steps get no
	// identity endpoint.
	if n := strings.Count(r.log, "Step identity unavailable"); n != 1 {
		t.Errorf("%d step identity notes on Podman, want 1:\n%s", n, r.log)
	}
	lines := logLines(r.log)
	if len(lines) < 3 || !strings.HasPrefix(lines[1], "Docker engine version: Podman Engine ") || !strings.HasPrefix(lines[2], "Podman: ") {
		t.Errorf("the log does not say the engine is Podman:\n%s", strings.Join(lines[:min(3, len(lines))], "\n"))
	}
}

// TestE2EHostShellOnSecondEngine: a host-shell step's docker CLI (whose
// DOCKER_CONFIG is the run's private directory, without the user's
// contexts) reaches the run's engine, through a unix context and a TLS one.
func TestE2EHostShellOnSecondEngine(t *testing.T) {
	d, client := second(t)
	if _, err := exec.LookPath("docker"); err != nil {
		t.Fatalf("host-shell steps need the docker CLI (scripts/ensure-docker.sh installs it): %v", err)
	}
	dir := t.TempDir()
	task := "version: v1.1.0\nsteps:\n  - cmd: " + client + " | sed s/^/piped:/\n"
	if err := os.WriteFile(filepath.Join(dir, "acb.yaml"), []byte(task), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct {
		name, host string
		tls        map[string][]byte
		root       string // what the step's socket must show; "" when a tcp engine's steps get the host's socket
	}{
		{"unix", d.Host, nil, d.DataRoot},
		{"tls", d.TCPHost, map[string][]byte{"ca.pem": read(d.TLS.CA), "cert.pem": read(d.TLS.Cert), "key.pem": read(d.TLS.Key)}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := isolateEngineEnv(t)
			storeContext(t, cfg, "second-"+c.name, c.host, c.tls)
			r := acbRun(t, "run", "-f", "acb.yaml", dir, "--context", "second-"+c.name, "--allow-host-shell", "--pull", "never")
			if r.code != 0 {
				t.Fatalf("exit %d: the host docker CLI did not run %s, which only the second engine has", r.code, client)
			}
			if !strings.Contains(r.out, "piped:root=") {
				t.Errorf("the step's output did not go through the host shell's pipe:\n%s", r.out)
			}
			if c.root != "" && !strings.Contains(r.out, "piped:root="+c.root+"\n") {
				t.Errorf("the host-shell step's socket is not the run's engine: want root=%s in\n%s", c.root, r.out)
			}
		})
	}
}
