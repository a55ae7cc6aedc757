package runner

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// processOwner is the process part of this process's engine.LabelOwner
// values: "<host>/<pid>/<start>", start being the process's start time in
// clock ticks since boot (Linux's /proc/<pid>/stat), so a reused pid is
// not taken for the same process.
func processOwner() string {
	host, _ := os.Hostname()
	pid := os.Getpid()
	return fmt.Sprintf("%s/%d/%s", host, pid, processStart(pid))
}

// invocationOwner is the engine.LabelOwner value of one invocation of
// this process (a run, an acb shell): "<host>/<pid>/<start>/<uid>".
func invocationOwner(uid string) string {
	return processOwner() + "/" + uid
}

// ownerProcess is the process part of an engine.LabelOwner value, "" when
// the value is not acb's.
func ownerProcess(owner string) string {
	parts := strings.Split(owner, "/")
	if len(parts) != 3 && len(parts) != 4 {
		return ""
	}
	return strings.Join(parts[:3], "/")
}

// OwnerAlive reports whether the acb process an engine.LabelOwner value
// names still runs. known is false when that cannot be told: another
// host, or a value acb did not write (an older acb, someone else's
// label).
func OwnerAlive(owner string) (alive, known bool) {
	parts := strings.Split(ownerProcess(owner), "/")
	if len(parts) != 3 {
		return false, false
	}
	host, _ := os.Hostname()
	pid, err := strconv.Atoi(parts[1])
	if parts[0] != host || err != nil || pid <= 0 || parts[2] == "" {
		return false, false
	}
	start := processStart(pid)
	return start != "" && start == parts[2], true
}

// processStart reads the start time of a process (field 22 of
// /proc/<pid>/stat), or "" when there is no such process.
func processStart(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return ""
	}
	return f[19] // fields 3.. start at index 0: field 22 is index 19
}
