package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// SSHD is an OpenSSH server a test starts on a random 127.0.0.1 port with
// its own host key, accepting one generated user key for the current user,
// and an `ssh` wrapper that connects to it with that key and only that
// host key trusted. Put BinDir first on PATH: the docker CLI's connection
// helper (and so acb) runs "ssh" from PATH.
type SSHD struct {
	// Dir holds the keys, configurations and the wrapper (removed by Stop).
	Dir string
	// Port is the server's port on 127.0.0.1; User the login user.
	Port int
	User string
	// BinDir holds the `ssh` wrapper.
	BinDir string

	cmd  *exec.Cmd
	done chan error
}

// ErrNoSSHD says why this host cannot run the test sshd (Debian:
// apt-get install openssh-server openssh-client).
var ErrNoSSHD = errors.New("cannot start a test sshd here")

// StartSSHD starts sshd and waits until its port accepts connections.
func StartSSHD(ctx context.Context) (s *SSHD, err error) {
	sshd, err1 := exec.LookPath("sshd")
	if err1 != nil {
		sshd = "/usr/sbin/sshd"
	}
	keygen, err2 := exec.LookPath("ssh-keygen")
	client, err3 := exec.LookPath("ssh")
	if _, err := os.Stat(sshd); err != nil || err2 != nil || err3 != nil {
		return nil, fmt.Errorf("%w: needs sshd, ssh and ssh-keygen (Debian: apt-get install openssh-server openssh-client)", ErrNoSSHD)
	}
	u, err := user.Current()
	if err != nil {
		return nil, err
	}
	reapStale("acbssh-")
	dir, err := ownedTempDir("acbssh-")
	if err != nil {
		return nil, err
	}
	s = &SSHD{Dir: dir, User: u.Username, BinDir: filepath.Join(dir, "bin"), done: make(chan error, 1)}
	defer func() {
		if err != nil {
			_ = s.Stop()
		}
	}()
	p := func(name string) string { return filepath.Join(dir, name) }
	for _, key := range []string{"host_key", "user_key"} {
		if out, err := exec.CommandContext(ctx, keygen, "-q", "-t", "ed25519", "-N", "", "-C", "acb-test", "-f", p(key)).CombinedOutput(); err != nil {
			return s, fmt.Errorf("ssh-keygen: %v\n%s", err, out)
		}
	}
	if s.Port, err = freePort(); err != nil {
		return s, err
	}
	userPub, err := os.ReadFile(p("user_key.pub"))
	if err != nil {
		return s, err
	}
	hostPub, err := os.ReadFile(p("host_key.pub"))
	if err != nil {
		return s, err
	}
	hostFields := strings.Fields(string(hostPub))
	files := map[string]string{
		"authorized_keys": string(userPub),
		"known_hosts":     fmt.Sprintf("[127.0.0.1]:%d %s %s\n", s.Port, hostFields[0], hostFields[1]),
		"sshd_config": fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers %s
`, s.Port, p("host_key"), p("sshd.pid"), p("authorized_keys"), s.User),
		"ssh_config": fmt.Sprintf(`Host 127.0.0.1
  IdentityFile %s
  IdentitiesOnly yes
  UserKnownHostsFile %s
  StrictHostKeyChecking yes
  BatchMode yes
  LogLevel ERROR
`, p("user_key"), p("known_hosts")),
	}
	for name, body := range files {
		if err := os.WriteFile(p(name), []byte(body), 0o600); err != nil {
			return s, err
		}
	}
	if err := os.MkdirAll(s.BinDir, 0o755); err != nil {
		return s, err
	}
	wrapper := fmt.Sprintf("#!/bin/sh\nexec %s -F %s \"$@\"\n", client, p("ssh_config"))
	if err := os.WriteFile(filepath.Join(s.BinDir, "ssh"), []byte(wrapper), 0o755); err != nil {
		return s, err
	}
	// sshd refuses to start from a relative path and wants its privilege
	// separation directory.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil && os.Geteuid() == 0 {
		return s, err
	}
	logf, err := os.Create(p("sshd.log"))
	if err != nil {
		return s, err
	}
	defer logf.Close()
	s.cmd = exec.Command(sshd, "-D", "-e", "-f", p("sshd_config"))
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		s.cmd = nil
		return s, fmt.Errorf("start sshd: %w", err)
	}
	if err := recordDaemon(dir, s.cmd.Process.Pid, ""); err != nil {
		return s, err
	}
	go func() { s.done <- s.cmd.Wait() }()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port))
	for deadline := time.Now().Add(15 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return s, nil
		}
		select {
		case werr := <-s.done:
			s.done <- werr
			log, _ := os.ReadFile(p("sshd.log"))
			return s, fmt.Errorf("sshd exited: %v\n%s", werr, log)
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("sshd did not listen on %s within 15s", addr)
		}
	}
}

// Host is the ssh:// address of the server for the docker CLI's connection
// helper, with socket as the remote Docker socket path (empty: the remote
// docker's default).
func (s *SSHD) Host(socket string) string {
	return fmt.Sprintf("ssh://%s@127.0.0.1:%d%s", s.User, s.Port, socket)
}

// Stop stops sshd (its sessions too) and removes Dir. It is safe to call
// more than once.
func (s *SSHD) Stop() error {
	if s == nil {
		return nil
	}
	if s.cmd != nil && s.cmd.Process != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.done
		}
		s.cmd = nil
	}
	return os.RemoveAll(s.Dir)
}
