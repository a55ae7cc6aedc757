package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/acb-dev/acb/runner/docker"
	"github.com/acb-dev/acb/runner/docker/endpoint"
)

// Podman is a rootful Podman API service (`podman system service`) a test
// starts on its own unix socket, with its own storage root, run root,
// temporary directory and CNI network configuration directory, so it
// shares no images, containers or networks with the host's Podman or
// Docker.
type Podman struct {
	// Dir holds everything it writes (removed by Stop).
	Dir string
	// Root is its storage root (what its /info reports as DockerRootDir).
	Root string
	// Socket is its unix socket path; Host is unix://Socket.
	Socket, Host string

	cmd      *exec.Cmd
	done     chan error
	log      string
	rulesPre map[string]bool // iptables -S lines before it started
}

// ErrNoPodman says why this host cannot run the test Podman service.
var ErrNoPodman = errors.New("cannot start a Podman service here")

// containersConf configures the test service: file events (no journald
// without systemd), cgroupfs, its own CNI directory, and modest default
// ulimits: Podman's rootful defaults (nofile and nproc at 1048576) fail
// with "error setting rlimit: operation not permitted" where root lacks
// CAP_SYS_RESOURCE, as in some CI sandboxes.
const containersConf = `[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
events_logger = "file"
cgroup_manager = "cgroupfs"

[network]
network_config_dir = %q
`

// StartPodman starts the service and waits until it answers. On error
// nothing is left behind.
func StartPodman(ctx context.Context) (p *Podman, err error) {
	bin, lookErr := exec.LookPath("podman")
	switch {
	case runtime.GOOS != "linux":
		return nil, fmt.Errorf("%w: needs Linux", ErrNoPodman)
	case os.Geteuid() != 0:
		return nil, fmt.Errorf("%w: needs root", ErrNoPodman)
	case lookErr != nil:
		return nil, fmt.Errorf("%w: no podman on PATH (Debian: apt-get install podman)", ErrNoPodman)
	}
	reapStale("acbpod-")
	dir, err := ownedTempDir("acbpod-")
	if err != nil {
		return nil, err
	}
	p = &Podman{Dir: dir, Root: filepath.Join(dir, "root"), Socket: filepath.Join(dir, "podman.sock"),
		log: filepath.Join(dir, "podman.log"), done: make(chan error, 1)}
	p.Host = "unix://" + p.Socket
	defer func() {
		if err != nil {
			_ = p.Stop()
		}
	}()
	conf := filepath.Join(dir, "containers.conf")
	for _, d := range []string{"cni", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return p, err
		}
	}
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(containersConf, filepath.Join(dir, "cni"))), 0o644); err != nil {
		return p, err
	}
	p.rulesPre = cniRules()
	logf, err := os.Create(p.log)
	if err != nil {
		return p, err
	}
	defer logf.Close()
	p.cmd = exec.Command(bin, "--root", p.Root, "--runroot", filepath.Join(dir, "run"), "--tmpdir", filepath.Join(dir, "tmp"),
		"system", "service", "--time=0", p.Host)
	p.cmd.Env = append(os.Environ(), "CONTAINERS_CONF="+conf)
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		p.cmd = nil
		return p, fmt.Errorf("start podman: %w", err)
	}
	if err := recordDaemon(dir, p.cmd.Process.Pid, ""); err != nil {
		return p, err
	}
	go func() { p.done <- p.cmd.Wait() }()
	for deadline := time.Now().Add(60 * time.Second); ; {
		e, err := p.Engine(ctx)
		if err == nil {
			_ = e.Close()
			return p, nil
		}
		select {
		case werr := <-p.done:
			p.done <- werr
			log, _ := os.ReadFile(p.log)
			return p, fmt.Errorf("podman system service exited: %v\n%s", werr, log)
		case <-ctx.Done():
			return p, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return p, fmt.Errorf("podman did not answer within 60s: %v", err)
		}
	}
}

// Engine connects to the service's socket.
func (p *Podman) Engine(ctx context.Context) (*docker.Engine, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return docker.Open(ctx, endpoint.Endpoint{Context: endpoint.DefaultContext, Host: p.Host})
}

// Stop stops the service and removes Dir (its images and storage). It is
// safe to call more than once.
func (p *Podman) Stop() error {
	if p == nil {
		return nil
	}
	var errs []error
	if p.cmd != nil && p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
		p.cmd = nil
	}
	if p.rulesPre != nil {
		// CNI's firewall plugin leaves its rules behind when the last
		// container of a network goes; remove those it added.
		for rule := range cniRules() {
			if !p.rulesPre[rule] {
				if out, err := exec.Command("/bin/sh", "-c", "iptables -D "+strings.TrimPrefix(rule, "-A ")).CombinedOutput(); err != nil {
					errs = append(errs, fmt.Errorf("iptables -D %s: %v: %s", rule, err, out))
				}
			}
		}
		p.rulesPre = nil
	}
	if p.Dir != "" {
		// Podman's overlay driver bind-mounts its own directory; a
		// container's shm may linger too.
		if err := unmountUnder(p.Dir); err != nil {
			errs = append(errs, err)
		}
		if err := os.RemoveAll(p.Dir); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", p.Dir, err))
		}
	}
	return errors.Join(errs...)
}

// unmountUnder detaches every mount point below dir, deepest first.
func unmountUnder(dir string) error {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	var points []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
			points = append(points, f[4])
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(points)))
	var errs []error
	for _, m := range points {
		if err := syscall.Unmount(m, syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) {
			errs = append(errs, fmt.Errorf("unmount %s: %w", m, err))
		}
	}
	return errors.Join(errs...)
}

// cniRules returns the filter table's rules that mention CNI (as
// `iptables -S` prints them), or an empty set without iptables.
func cniRules() map[string]bool {
	rules := map[string]bool{}
	out, err := exec.Command("iptables", "-S").Output()
	if err != nil {
		return rules
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "-A ") && strings.Contains(line, "CNI") {
			rules[line] = true
		}
	}
	return rules
}
