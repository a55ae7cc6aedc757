package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/engine"
)

// runHostShell runs a cmd step the way acr-builder does, as
//
//	/bin/sh -c "docker run <acb flags> <cmd text>"
//
// on the host, for step text that needs a shell (Options.AllowHostShell).
// It needs the docker CLI on PATH, talking to the same engine (DOCKER_HOST
// as for acb). DOCKER_CONFIG points at a private temporary copy of the
// run's Docker configuration, never the user's.
func (r *run) runHostShell(ctx context.Context, s *graph.Step, res *StepResult) error {
	cfgDir, err := os.MkdirTemp("", "acb-docker-config-")
	if err != nil {
		return fmt.Errorf("host shell: %w", err)
	}
	defer os.RemoveAll(cfgDir)
	auths, err := r.currentAuths(ctx)
	if err != nil {
		return err
	}
	cfg, err := dockerConfigJSON(auths)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(cfgDir, "config.json"), cfg, 0o600); err != nil {
		return fmt.Errorf("host shell: %w", err)
	}
	name := r.containerName(s)
	idEnv := r.identityEnv(ctx, s.ID, r.network(s.Network))
	line := r.hostShellLine(s, name, envNames(idEnv)...)
	out := newStepOutput(r.c, s.ID, len(s.RetryOnErrors) > 0)
	defer out.Flush()
	res.Start = time.Now()
	res.Container = name
	return r.retryLoop(ctx, s, name, out, func(ctx context.Context) error {
		cmd := exec.CommandContext(ctx, "/bin/sh", "-c", line)
		cmd.Env = append(append(os.Environ(), "DOCKER_CONFIG="+cfgDir), idEnv...) // last wins
		cmd.Stdout, cmd.Stderr = out.stdout, out.stderr
		cmd.WaitDelay = 5 * time.Second
		err := cmd.Run()
		if s.Detach {
			r.trackContainer(name)
		} else {
			r.afterContainer(ctx, s, name)
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) && ctx.Err() == nil {
			return &ExitError{Code: ee.ExitCode()}
		}
		return err
	})
}

// hostShellLine is acr-builder's docker run command line (behaviour §5.3),
// with acb's own values single-quoted and the step text verbatim. inherit
// names variables passed from the shell's environment (--env NAME), so
// their values stay off the command line.
func (r *run) hostShellLine(s *graph.Step, name string, inherit ...string) string {
	var b strings.Builder
	b.WriteString("docker run")
	add := func(flag, val string) { fmt.Fprintf(&b, " %s %s", flag, shQuote(val)) }
	if s.Detach {
		b.WriteString(" --detach")
	}
	for _, p := range s.Ports {
		add("-p", p)
	}
	for _, e := range s.Expose {
		add("--expose", e)
	}
	if s.Privileged {
		b.WriteString(" --privileged")
	}
	if s.User != "" {
		add("--user", s.User)
	}
	if n := r.network(s.Network); n != "" {
		add("--network", n)
		if name != s.ID {
			add("--network-alias", s.ID)
		}
	}
	if s.Isolation != "" {
		add("--isolation", s.Isolation)
	}
	if s.CPUs != "" {
		add("--cpus", s.CPUs)
	}
	if s.EntryPoint != "" {
		add("--entrypoint", s.EntryPoint)
	}
	add("--name", name)
	add("--label", engine.LabelRun+"="+r.runID)
	for _, m := range r.stepMounts(s) {
		add("--volume", m.Source+":"+m.Target)
	}
	add("--env", "HOME="+HomeDir)
	for _, k := range inherit {
		add("--env", k)
	}
	for _, e := range s.Env {
		add("--env", e)
	}
	if wd := r.containerWorkdir(s); wd != "" {
		add("--workdir", wd)
	}
	b.WriteString(" ")
	b.WriteString(s.Cmd)
	return b.String()
}

// shQuote quotes s for a POSIX shell when it needs it.
func shQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:=@,+%", c))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
