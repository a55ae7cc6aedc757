package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The daemons the tests start (a second dockerd, sshd, Podman) live in
// directories named <prefix><owner pid>-<random> holding daemon.pid and,
// for dockerd, the name of its bridge. A test process killed before its
// clean-up (a -timeout panic, SIGKILL) leaves them running; the next start
// of the same kind stops and removes what a dead owner left.

// ownedTempDir creates the directory of a daemon owned by this process.
func ownedTempDir(prefix string) (string, error) {
	return os.MkdirTemp("", prefix+strconv.Itoa(os.Getpid())+"-")
}

// recordDaemon writes the daemon's pid (and bridge, if any) into dir.
func recordDaemon(dir string, pid int, bridge string) error {
	if err := os.WriteFile(filepath.Join(dir, "daemon.pid"), []byte(strconv.Itoa(pid)), 0o600); err != nil {
		return err
	}
	if bridge != "" {
		return os.WriteFile(filepath.Join(dir, "bridge"), []byte(bridge), 0o600)
	}
	return nil
}

// reapStale stops and removes the daemons of prefix whose owner process
// is gone. It only signals a process whose command line names its
// directory, so a reused pid is never hit.
func reapStale(prefix string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), prefix+"*-*"))
	for _, dir := range dirs {
		owner, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(dir), prefix), "-")
		pid, err := strconv.Atoi(owner)
		if !ok || err != nil || processAlive(pid) {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(dir, "daemon.pid")); err == nil {
			if dpid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && cmdlineMentions(dpid, dir) {
				_ = syscall.Kill(-dpid, syscall.SIGTERM)
				for i := 0; i < 100 && processAlive(dpid); i++ {
					time.Sleep(100 * time.Millisecond)
				}
				_ = syscall.Kill(-dpid, syscall.SIGKILL)
			}
		}
		if b, err := os.ReadFile(filepath.Join(dir, "bridge")); err == nil && strings.HasPrefix(string(b), "acbt") {
			_ = exec.Command("ip", "link", "del", strings.TrimSpace(string(b))).Run()
		}
		if err := unmountUnder(dir); err == nil {
			_ = os.RemoveAll(dir)
		}
	}
}

func processAlive(pid int) bool {
	return pid > 0 && syscall.Kill(pid, 0) == nil
}

// cmdlineMentions reports whether process pid's command line contains s.
func cmdlineMentions(pid int, s string) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && strings.Contains(string(b), s)
}
