package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/acb-dev/acb/runner/docker"
	"github.com/acb-dev/acb/runner/docker/endpoint"
)

// Dockerd is a second Docker engine a test package starts for itself: its
// own data root, exec root (with its own containerd), unix socket, pid file
// and default bridge (a bridge interface of its own; never --bridge=none,
// with which dockerd deletes the host's docker0), and no iptables rules, so
// it never touches the main engine's docker0, images or containers. Start
// it once per package (TestMain) and Stop it on every path.
type Dockerd struct {
	// Dir holds everything the daemon writes (removed by Stop).
	Dir string
	// DataRoot is its --data-root; its /info reports it as DockerRootDir.
	DataRoot string
	// Socket is its unix socket path; Host is unix://Socket.
	Socket, Host string
	// TCPHost is tcp://127.0.0.1:PORT when started with TLS, else empty;
	// the server requires client certificates from TLS's CA.
	TCPHost string
	// TLS are the certificates of TCPHost (when started with TLS).
	TLS TLSFiles

	cmd    *exec.Cmd
	done   chan error
	log    string
	bridge string // the bridge interface created for it
}

// DockerdOptions configures StartDockerd.
type DockerdOptions struct {
	// TLS also serves the Engine API on a random 127.0.0.1 port with
	// --tlsverify and certificates generated for it.
	TLS bool
}

// ErrNoSecondDockerd says why this host cannot start a second dockerd
// (not Linux, not root, no dockerd binary): tests skip with it.
var ErrNoSecondDockerd = errors.New("cannot start a second dockerd here")

// StartDockerd starts a second dockerd and waits until it answers (a few
// seconds). On error nothing is left behind.
func StartDockerd(ctx context.Context, opts DockerdOptions) (d *Dockerd, err error) {
	bin, lookErr := exec.LookPath("dockerd")
	switch {
	case runtime.GOOS != "linux":
		return nil, fmt.Errorf("%w: needs Linux", ErrNoSecondDockerd)
	case os.Geteuid() != 0:
		return nil, fmt.Errorf("%w: needs root", ErrNoSecondDockerd)
	case lookErr != nil:
		return nil, fmt.Errorf("%w: no dockerd on PATH (Debian: apt-get install docker.io)", ErrNoSecondDockerd)
	}
	ipTool, err := exec.LookPath("ip")
	if err != nil {
		return nil, fmt.Errorf("%w: no ip (iproute2) to create its bridge", ErrNoSecondDockerd)
	}
	_, hadDocker0 := net.InterfaceByName("docker0")
	reapStale("acbd-")
	dir, err := ownedTempDir("acbd-") // short: unix socket paths are limited to 108 bytes
	if err != nil {
		return nil, err
	}
	d = &Dockerd{Dir: dir, DataRoot: filepath.Join(dir, "data"), Socket: filepath.Join(dir, "docker.sock"), done: make(chan error, 1),
		log: filepath.Join(dir, "dockerd.log")}
	d.Host = "unix://" + d.Socket
	defer func() {
		if err != nil {
			_ = d.Stop()
		}
	}()
	// dockerd wants a non-default bridge to exist; without an address it
	// gives it a free subnet of the default pools, as it does for docker0.
	bridge := fmt.Sprintf("acbt%x", time.Now().UnixNano()&0xffffffff)
	if out, err := exec.Command(ipTool, "link", "add", bridge, "type", "bridge").CombinedOutput(); err != nil {
		return d, fmt.Errorf("create bridge %s: %v: %s", bridge, err, out)
	}
	d.bridge = bridge
	if err := recordDaemon(dir, 0, bridge); err != nil {
		return d, err
	}
	args := []string{
		"--data-root", d.DataRoot,
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"),
		"-H", d.Host,
		"--bridge", bridge, "--iptables=false", "--ip-masq=false", "--userland-proxy=false",
		"--containerd-namespace", "acbtest-" + filepath.Base(dir),
		"--containerd-plugins-namespace", "acbtest-" + filepath.Base(dir) + "-plugins",
	}
	if opts.TLS {
		if d.TLS, err = WriteTLSFiles(filepath.Join(dir, "tls")); err != nil {
			return d, fmt.Errorf("dockerd certificates: %w", err)
		}
		port, err := freePort()
		if err != nil {
			return d, err
		}
		d.TCPHost = "tcp://127.0.0.1:" + strconv.Itoa(port)
		args = append(args, "-H", d.TCPHost, "--tlsverify",
			"--tlscacert", d.TLS.CA, "--tlscert", d.TLS.ServerCert, "--tlskey", d.TLS.ServerKey)
	}
	logf, err := os.Create(d.log)
	if err != nil {
		return d, err
	}
	defer logf.Close()
	d.cmd = exec.Command(bin, args...)
	d.cmd.Stdout, d.cmd.Stderr = logf, logf
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.cmd.Start(); err != nil {
		d.cmd = nil
		return d, fmt.Errorf("start dockerd: %w", err)
	}
	if err := recordDaemon(dir, d.cmd.Process.Pid, bridge); err != nil {
		return d, err
	}
	go func() { d.done <- d.cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		e, err := docker.Open(pingCtx, endpoint.Endpoint{Context: endpoint.DefaultContext, Host: d.Host})
		cancel()
		if err == nil {
			_ = e.Close()
			if _, err := net.InterfaceByName("docker0"); hadDocker0 == nil && err != nil {
				return d, fmt.Errorf("the second dockerd removed the main engine's docker0: %v", err)
			}
			return d, nil
		}
		select {
		case werr := <-d.done:
			d.done <- werr
			return d, fmt.Errorf("dockerd exited: %v\n%s", werr, d.logTail())
		case <-ctx.Done():
			return d, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return d, fmt.Errorf("dockerd did not answer within 60s:\n%s", d.logTail())
		}
	}
}

// Engine connects to the daemon's unix socket.
func (d *Dockerd) Engine(ctx context.Context) (*docker.Engine, error) {
	return docker.Open(ctx, endpoint.Endpoint{Context: endpoint.DefaultContext, Host: d.Host})
}

// Stop stops the daemon (SIGTERM, SIGKILL after 20 s) and removes its
// bridge and directory. It is safe to call more than once.
func (d *Dockerd) Stop() error {
	if d == nil {
		return nil
	}
	var errs []error
	if d.cmd != nil && d.cmd.Process != nil {
		_ = d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.done:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
			<-d.done
			errs = append(errs, errors.New("dockerd did not stop within 20s; killed"))
		}
		d.cmd = nil
	}
	if d.bridge != "" {
		if out, err := exec.Command("ip", "link", "del", d.bridge).CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("remove bridge %s: %v: %s", d.bridge, err, out))
		}
		d.bridge = ""
	}
	if d.Dir != "" {
		if err := unmountUnder(d.Dir); err != nil {
			errs = append(errs, err)
		}
		if err := os.RemoveAll(d.Dir); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", d.Dir, err))
		}
	}
	return errors.Join(errs...)
}

// logTail is the end of the daemon's log, for errors.
func (d *Dockerd) logTail() string {
	b, _ := os.ReadFile(d.log)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

// freePort returns a TCP port free on 127.0.0.1 right now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// FreeAddr returns a 127.0.0.1:PORT address free right now, for a server a
// test starts.
func FreeAddr(t testing.TB) string {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return "127.0.0.1:" + strconv.Itoa(port)
}
