package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ProcResult is a finished child process: its wall-clock time from start to
// exit and the peak RSS of it and its waited-for descendants.
type ProcResult struct {
	Elapsed time.Duration
	MaxRSS  int64 // bytes
	Output  []byte
}

// Cmd describes a child process to time.
type Cmd struct {
	Path string
	Args []string
	Dir  string
	Env  []string // appended to the harness's environment
}

func (c Cmd) String() string {
	return strings.Join(append([]string{c.Path}, c.Args...), " ")
}

// Time runs c, timing it from just before start to just after exit. Its
// combined output is kept for error messages. A non-zero exit is an error
// that carries the output's tail.
func Time(ctx context.Context, c Cmd) (ProcResult, error) {
	path, args := c.Path, c.Args
	// GNU time reports the child's own peak RSS. wait4's rusage for a child
	// Go spawned (vfork + exec) also counts the resident pages of this
	// harness at the exec, so it is only the fallback.
	gnuTime := timeBinary()
	if gnuTime != "" {
		args = append([]string{"-f", rssMarker + "%M", c.Path}, c.Args...)
		path = gnuTime
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = c.Dir
	if len(c.Env) > 0 {
		cmd.Env = append(cmd.Environ(), c.Env...)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := ProcResult{Elapsed: time.Since(start), Output: out.Bytes()}
	if gnuTime != "" {
		res.MaxRSS, res.Output = cutRSSMarker(res.Output)
	} else if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			res.MaxRSS = ru.Maxrss * 1024 // Linux reports KiB
		}
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w\n%s", c, err, tail(out.Bytes(), 3000))
	}
	return res, nil
}

// rssMarker prefixes GNU time's peak-RSS line in a child's output.
const rssMarker = "ACBBENCH_MAXRSS_KIB="

// timeBinary returns GNU time's path, or "" when it is not installed.
func timeBinary() string {
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		return "/usr/bin/time"
	}
	return ""
}

// cutRSSMarker removes GNU time's line from out and returns the peak RSS
// it reports, in bytes (0 when absent).
func cutRSSMarker(out []byte) (int64, []byte) {
	i := bytes.LastIndex(out, []byte(rssMarker))
	if i < 0 {
		return 0, out
	}
	rest := out[i+len(rssMarker):]
	end := bytes.IndexByte(rest, '\n')
	if end < 0 {
		end = len(rest)
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(string(rest[:end])), 10, 64)
	if err != nil {
		return 0, out
	}
	return kib * 1024, append(out[:i:i], rest[min(end+1, len(rest)):]...)
}
