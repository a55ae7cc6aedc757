package docker_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/runner/engine"
)

func TestRunSeparatesStdoutAndStderr(t *testing.T) {
	f := setup(t)
	var stdout, stderr bytes.Buffer
	s := f.spec("sh", "-c", "echo out1; echo err1 >&2; printf 'out2\\n'; echo err2 >&2")
	f.removeLater(s.Name)
	code, err := f.e.RunContainer(f.ctx, s, engine.Streams{Stdout: &stdout, Stderr: &stderr})
	if err != nil || code != 0 {
		t.Fatalf("code %d, err %v", code, err)
	}
	if got := stdout.String(); got != "out1\nout2\n" {
		t.Errorf("stdout %q", got)
	}
	if got := stderr.String(); got != "err1\nerr2\n" {
		t.Errorf("stderr %q", got)
	}
}

func TestRunExitCode(t *testing.T) {
	f := setup(t)
	for _, want := range []int{0, 1, 42} {
		s := f.spec("sh", "-c", "exit "+strconv.Itoa(want))
		f.removeLater(s.Name)
		code, err := f.e.RunContainer(f.ctx, s, engine.Streams{})
		if err != nil || code != want {
			t.Errorf("exit %d: got code %d, err %v", want, code, err)
		}
	}
}

func TestRunEnvWorkdirUserEntrypoint(t *testing.T) {
	f := setup(t)
	s := f.spec(`echo "$FOO|$BAR"; pwd; id -u; id -g`)
	s.Entrypoint = []string{"sh", "-c"}
	s.Env = []string{"FOO=a $b `c`", "BAR=x\ny"}
	s.WorkingDir = "/tmp/work"
	s.User = "65534:65534"
	f.removeLater(s.Name)
	var out bytes.Buffer
	code, err := f.e.RunContainer(f.ctx, s, engine.Streams{Stdout: &out, Stderr: &out})
	if err != nil || code != 0 {
		t.Fatalf("code %d, err %v\n%s", code, err, out.String())
	}
	if want := "a $b `c`|x\ny\n/tmp/work\n65534\n65534\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

func TestRunAutoRemoveAndInit(t *testing.T) {
	f := setup(t)
	s := f.spec("sh", "-c", "cat /proc/1/comm")
	s.AutoRemove = true
	s.Init = true
	var out bytes.Buffer
	code, err := f.e.RunContainer(f.ctx, s, engine.Streams{Stdout: &out})
	if err != nil || code != 0 {
		t.Fatalf("code %d, err %v", code, err)
	}
	if got := strings.TrimSpace(out.String()); got != "docker-init" {
		t.Errorf("pid 1 is %q, want docker-init", got)
	}
	exists, err := f.e.ContainerExists(f.ctx, s.Name)
	if err != nil || exists {
		t.Errorf("auto-removed container still exists (%v, %v)", exists, err)
	}
}

func TestRunMounts(t *testing.T) {
	f := setup(t)
	vol := f.volume()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte("from host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := f.spec("sh", "-c", "cat /host/in.txt > /data/copy; echo vol > /data/v; touch /ro/x 2>/dev/null && echo writable || echo ro")
	w.Mounts = []engine.Mount{
		{Type: "volume", Source: vol, Target: "/data"},
		{Type: "bind", Source: dir, Target: "/host"},
		{Type: "bind", Source: dir, Target: "/ro", ReadOnly: true},
	}
	f.removeLater(w.Name)
	var out bytes.Buffer
	if code, err := f.e.RunContainer(f.ctx, w, engine.Streams{Stdout: &out, Stderr: &out}); err != nil || code != 0 {
		t.Fatalf("writer: code %d, err %v\n%s", code, err, out.String())
	}
	if out.String() != "ro\n" {
		t.Errorf("read-only bind: %q", out.String())
	}
	r := f.spec("cat", "/d/copy", "/d/v")
	r.Mounts = []engine.Mount{{Type: "volume", Source: vol, Target: "/d", ReadOnly: true}}
	f.removeLater(r.Name)
	out.Reset()
	if code, err := f.e.RunContainer(f.ctx, r, engine.Streams{Stdout: &out, Stderr: &out}); err != nil || code != 0 {
		t.Fatalf("reader: code %d, err %v\n%s", code, err, out.String())
	}
	if out.String() != "from host\nvol\n" {
		t.Errorf("reader output %q", out.String())
	}
}

func TestNetworkAliasReachability(t *testing.T) {
	f := setup(t)
	net := f.name("n")
	if err := f.e.CreateNetwork(f.ctx, engine.NetworkSpec{Name: net, Driver: "bridge", Labels: f.labels()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.e.RemoveNetwork(context.Background(), net); err != nil {
			t.Errorf("remove network: %v", err)
		}
	})
	if ok, err := f.e.NetworkExists(f.ctx, net); err != nil || !ok {
		t.Fatalf("NetworkExists: %v %v", ok, err)
	}
	err := f.e.CreateNetwork(f.ctx, engine.NetworkSpec{Name: net, Labels: f.labels()})
	if !errors.Is(err, engine.ErrConflict) {
		t.Errorf("duplicate network: %v, want ErrConflict", err)
	}

	srv := f.spec("httpd", "-f", "-p", "80", "-h", "/www")
	srv.Network = net
	srv.Aliases = []string{"web"}
	t.Cleanup(func() { _ = f.e.RemoveContainer(context.Background(), srv.Name) }) // before the network removal
	if _, err := f.e.StartContainer(f.ctx, srv); err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{srv.Name, "web"} {
		c := f.spec("sh", "-c", "for i in $(seq 50); do wget -q -O- http://"+host+"/ && exit 0; sleep 0.1; done; exit 1")
		c.Network = net
		f.removeLater(c.Name)
		var out bytes.Buffer
		code, err := f.e.RunContainer(f.ctx, c, engine.Streams{Stdout: &out, Stderr: &out})
		if err != nil || code != 0 || out.String() != "hello from acbtest/busybox\n" {
			t.Errorf("wget http://%s/: code %d, err %v, output %q", host, code, err, out.String())
		}
		// The engine needs the container gone before the network can go.
		if err := f.e.RemoveContainer(f.ctx, c.Name); err != nil {
			t.Error(err)
		}
	}
	if err := f.e.RemoveContainer(f.ctx, srv.Name); err != nil {
		t.Error(err)
	}
}

func TestNameConflict(t *testing.T) {
	f := setup(t)
	s := f.spec("true")
	f.removeLater(s.Name)
	if _, err := f.e.RunContainer(f.ctx, s, engine.Streams{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := f.e.ContainerExists(f.ctx, s.Name); err != nil || !ok {
		t.Fatalf("ContainerExists: %v %v", ok, err)
	}
	_, err := f.e.RunContainer(f.ctx, s, engine.Streams{})
	if !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("second run: %v, want ErrConflict", err)
	}
	if _, err := f.e.StartContainer(f.ctx, s); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("StartContainer: %v, want ErrConflict", err)
	}
	if err := f.e.RemoveContainer(f.ctx, s.Name); err != nil {
		t.Fatal(err)
	}
	if err := f.e.RemoveContainer(f.ctx, s.Name); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("removing a missing container: %v, want ErrNotFound", err)
	}
	if ok, err := f.e.ContainerExists(f.ctx, s.Name); err != nil || ok {
		t.Fatalf("ContainerExists after removal: %v %v", ok, err)
	}
}

func TestRunMissingImage(t *testing.T) {
	f := setup(t)
	s := f.spec("true")
	s.Image = "acbtest/does-not-exist:1"
	_, err := f.e.RunContainer(f.ctx, s, engine.Streams{})
	if !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

func TestRunTimeoutStopsContainer(t *testing.T) {
	f := setup(t)
	f.e.StopGrace = time.Second
	s := f.spec("sh", "-c", "echo started; exec sleep 60")
	f.removeLater(s.Name)
	ctx, cancel := context.WithTimeout(f.ctx, 1500*time.Millisecond)
	defer cancel()
	var out bytes.Buffer
	start := time.Now()
	_, err := f.e.RunContainer(ctx, s, engine.Streams{Stdout: &out})
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want DeadlineExceeded", err)
	}
	// 1.5 s timeout + 1 s grace (sleep as PID 1 ignores SIGTERM) + engine time.
	if elapsed > 6*time.Second {
		t.Errorf("RunContainer returned after %v", elapsed)
	}
	if out.String() != "started\n" {
		t.Errorf("output %q", out.String())
	}
	// The container is stopped, not running: a second run of `true` in the
	// same name still conflicts, and removal works without force issues.
	if err := f.e.RemoveContainer(f.ctx, s.Name); err != nil {
		t.Fatal(err)
	}
}

func TestRunTTY(t *testing.T) {
	f := setup(t)
	s := f.spec("sh", "-c", "test -t 1 && echo tty; echo err >&2")
	s.TTY = true
	f.removeLater(s.Name)
	var out bytes.Buffer
	code, err := f.e.RunContainer(f.ctx, s, engine.Streams{Stdout: &out})
	if err != nil || code != 0 {
		t.Fatalf("code %d, err %v", code, err)
	}
	if got := strings.ReplaceAll(out.String(), "\r\n", "\n"); got != "tty\nerr\n" {
		t.Errorf("output %q", got)
	}
}

func TestRunPortsAndExtraHosts(t *testing.T) {
	f := setup(t)
	s := f.spec("sh", "-c", "grep -q '10.1.2.3.*myhost' /etc/hosts && echo ok")
	s.ExtraHosts = []string{"myhost:10.1.2.3"}
	s.Ports = []string{"127.0.0.1::8080/tcp"}
	s.Expose = []string{"9000-9001/udp"}
	s.MemoryBytes = 64 << 20
	s.NanoCPUs = 500_000_000
	f.removeLater(s.Name)
	var out bytes.Buffer
	code, err := f.e.RunContainer(f.ctx, s, engine.Streams{Stdout: &out, Stderr: &out})
	if err != nil || code != 0 || out.String() != "ok\n" {
		t.Fatalf("code %d, err %v, output %q", code, err, out.String())
	}
	bad := f.spec("true")
	bad.Ports = []string{"notaport"}
	if _, err := f.e.RunContainer(f.ctx, bad, engine.Streams{}); err == nil {
		t.Fatal("invalid port spec accepted")
	}
}
