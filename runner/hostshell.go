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
// It needs the docker CLI on PATH; Options.HostEngine points it at the
// run's engine (DOCKER_HOST and TLS material, whatever context chose it).
// DOCKER_CONFIG points at a private temporary copy of the run's Docker
// configuration, never the user's.
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
	engineEnv, err := r.opts.HostEngine.env(cfgDir)
	if err != nil {
		return fmt.Errorf("host shell: %w", err)
	}
	name := r.containerName(s)
	idEnv := r.identityEnv(ctx, s.ID, r.network(s.Network))
	// Step env (secrets among it) goes through a 0600 file in the private
	// 0700 directory, never on the command line, which every local user
	// can read with ps.
	fileBody, procEnv, err := hostShellEnv(s, idEnv)
	if err != nil {
		return err
	}
	envFile := filepath.Join(cfgDir, "step.env")
	if err := os.WriteFile(envFile, []byte(fileBody), 0o600); err != nil {
		return fmt.Errorf("host shell: %w", err)
	}
	line := r.hostShellLine(s, name, envFile)
	out := newStepOutput(r.c, s.ID, len(s.RetryOnErrors) > 0)
	defer out.Flush()
	res.Start = time.Now()
	res.Container = name
	return r.retryLoop(ctx, s, name, out, func(ctx context.Context) error {
		r.awaitRemoval(name) // the previous attempt's container
		cmd := exec.CommandContext(ctx, "/bin/sh", "-c", line)
		cmd.Env = append(append(append(os.Environ(), "DOCKER_CONFIG="+cfgDir), engineEnv...), procEnv...) // last wins
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
// with acb's own values single-quoted and the step text verbatim. The
// container's environment comes from envFile (see hostShellEnv), so no
// value is on the command line.
func (r *run) hostShellLine(s *graph.Step, name, envFile string) string {
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
	add("--label", engine.LabelOwner+"="+r.owner)
	for _, m := range r.stepMounts(s) {
		add("--volume", m.Source+":"+m.Target)
	}
	add("--env-file", envFile)
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

// hostShellEnv returns the body of the docker --env-file for a host-shell
// step: HOME, the identity variables and the step's env, in that order (the
// engine keeps the last of duplicate names, so the step's own env wins, as
// with the Engine API). An env file holds one line per variable and no
// quoting, so a value with a newline is passed through the shell's
// environment instead (procEnv) and named in the file; such a name must
// not be one the shell or the docker CLI itself reads.
func hostShellEnv(s *graph.Step, idEnv []string) (fileBody string, procEnv []string, err error) {
	var b strings.Builder
	entries := append(append([]string{"HOME=" + HomeDir}, idEnv...), s.Env...)
	for _, e := range entries {
		k, v, hasValue := strings.Cut(e, "=")
		if strings.ContainsAny(k, "\n\r\x00") || k == "" {
			return "", nil, fmt.Errorf("%w: step %s: env entry with an empty name or a line break in its name", ErrInput, s.ID)
		}
		if hasValue && strings.ContainsAny(v, "\n\r") {
			if hostShellReserved(k) {
				return "", nil, fmt.Errorf("%w: step %s: env %s has a multi-line value, which --allow-host-shell can pass only through the docker CLI's own environment, where %s would change how the shell or docker runs", ErrInput, s.ID, k, k)
			}
			procEnv = append(procEnv, e)
			e = k // inherited from the docker CLI's environment
		}
		b.WriteString(e)
		b.WriteByte('\n')
	}
	return b.String(), procEnv, nil
}

// hostShellReserved reports whether the shell or the docker CLI reads the
// environment variable name.
func hostShellReserved(name string) bool {
	switch name {
	case "PATH", "HOME", "IFS", "ENV", "PS4", "SHELL", "TMPDIR", "http_proxy", "https_proxy", "no_proxy",
		"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR":
		return true
	}
	return strings.HasPrefix(name, "DOCKER_") || strings.HasPrefix(name, "LD_") || strings.HasPrefix(name, "GODEBUG")
}

// HostEngine is how the docker CLI of host-shell steps reaches the run's
// engine: the address and TLS material the run resolved (from a context,
// DOCKER_HOST or the default), passed as DOCKER_HOST and DOCKER_CERT_PATH
// since DOCKER_CONFIG is the run's private directory, where the user's
// contexts are not.
type HostEngine struct {
	// Host is the engine address (unix://, tcp://, ssh://).
	Host string
	// CA, Cert and Key are PEM TLS material; nil when none.
	CA, Cert, Key []byte
	// SkipTLSVerify turns off server certificate verification.
	SkipTLSVerify bool
}

// env returns the docker CLI's variables for the engine, writing the TLS
// material into dir (the private DOCKER_CONFIG). A nil HostEngine leaves the
// environment as it is.
func (h *HostEngine) env(dir string) ([]string, error) {
	if h == nil || h.Host == "" {
		return nil, nil
	}
	env := []string{"DOCKER_HOST=" + h.Host, "DOCKER_CONTEXT=", "DOCKER_TLS=", "DOCKER_TLS_VERIFY=", "DOCKER_CERT_PATH=" + dir}
	if h.CA == nil && h.Cert == nil && h.Key == nil {
		return env, nil
	}
	for name, data := range map[string][]byte{"ca.pem": h.CA, "cert.pem": h.Cert, "key.pem": h.Key} {
		if data == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return nil, err
		}
	}
	if h.SkipTLSVerify {
		return append(env, "DOCKER_TLS=1"), nil
	}
	return append(env, "DOCKER_TLS_VERIFY=1"), nil
}
