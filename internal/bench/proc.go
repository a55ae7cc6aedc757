package bench

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
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
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Dir = c.Dir
	if len(c.Env) > 0 {
		cmd.Env = append(cmd.Environ(), c.Env...)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := ProcResult{Elapsed: time.Since(start), Output: out.Bytes()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			res.MaxRSS = ru.Maxrss * 1024 // Linux reports KiB
		}
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w\n%s", c, err, tail(out.Bytes(), 3000))
	}
	return res, nil
}
