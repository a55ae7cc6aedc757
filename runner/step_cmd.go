package runner

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"path"
	"strings"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/args"
	"github.com/acb-dev/acb/runner/engine"
)

// DockerSocket is where the run's engine socket is bind-mounted in every
// step container, and the socket mounted when Options.EngineSocket is empty.
const DockerSocket = "/var/run/docker.sock"

// permanentError is an attempt error that retries cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// runCmd runs a cmd step.
func (r *run) runCmd(ctx context.Context, s *graph.Step, res *StepResult) error {
	cmd, err := args.ParseCmd(s.Cmd)
	var hse *args.HostShellError
	if errors.As(err, &hse) {
		if !r.opts.AllowHostShell {
			return inputErr("step %s: cmd %s; acb runs the image directly, without a host shell. "+
				"Move the shell syntax inside the container (e.g. sh -c '...'), or allow a host shell "+
				"(--allow-host-shell) to run it as /bin/sh -c \"docker run ...\" as acr-builder does (needs the docker CLI)", s.ID, hse.Error())
		}
		return r.runHostShell(ctx, s, res)
	}
	if err != nil {
		return inputErr("step %s: %w", s.ID, err)
	}
	for _, v := range cmd.ShellVars {
		r.warnOnce(s.ID+"\x00"+v, s.ID, "WARNING: step %s: %s is passed literally to the container; acr-builder's host shell would have expanded it (usually to an empty string)", s.ID, shellVarText(v))
	}
	spec, err := r.cmdSpec(s, cmd)
	if err != nil {
		return err
	}
	spec.Env = append(r.identityEnv(ctx, s.ID, spec.Network), spec.Env...) // the step's env wins
	r.debugSpec(s, spec)
	if err := r.refreshDockerConfig(ctx); err != nil {
		return err
	}
	detach := s.Detach || cmd.Detach
	out := newStepOutput(r.c, s.ID, len(s.RetryOnErrors) > 0)
	defer out.Flush()
	if s.Pull {
		r.c.logf(s.ID, evPull, "Step specified pull. Performing an explicit pull...")
		if err := r.explicitPull(ctx, s, spec.Image, r.progress(out)); err != nil {
			return err
		}
	}
	res.Start = time.Now()
	res.Container = spec.Name
	res.Image = spec.Image
	pulled := s.Pull
	created := false // a kept container of a previous attempt
	ahead := r.takePrepared(s.ID)
	defer func() {
		if ahead != nil {
			r.discardPrepared(ctx, s.ID, ahead)
		}
	}()
	return r.retryLoop(ctx, s, spec.Name, out, func(ctx context.Context) error {
		if created {
			r.removeContainer(ctx, s, spec.Name)
			created = false
		}
		preparedID := ""
		if ahead != nil && !detach {
			preparedID = r.usePrepared(ctx, s, ahead, spec)
			ahead = nil
		}
		if preparedID == "" {
			r.awaitRemoval(spec.Name) // the previous attempt's container
		}
		if !pulled && r.opts.Pull == PullAlways {
			if err := r.pull(ctx, spec.Image, r.progress(out)); err != nil {
				return err
			}
			pulled = true
		}
		var code int
		run := func() (err error) {
			if detach {
				return r.startDetached(ctx, s, spec, res, out)
			}
			streams := engine.Streams{Stdout: out.stdout, Stderr: out.stderr}
			if preparedID != "" {
				id := preparedID
				preparedID = "" // a second run (after a pull) creates anew
				code, err = r.eng.(engine.ContainerPreparer).RunCreated(ctx, id, spec, streams)
				return err
			}
			if spec.OpenStdin {
				code, err = r.runInteractive(ctx, spec, streams)
			} else {
				code, err = r.eng.RunContainer(ctx, spec, streams)
			}
			if errors.Is(err, engine.ErrConflict) {
				return r.nameInUse(spec.Name)
			}
			return err
		}
		err := run()
		// The image is looked up only when the create fails, saving an API
		// round trip per step; the pull policy applies then.
		if errors.Is(err, engine.ErrNotFound) && !pulled {
			if _, ierr := r.eng.InspectImage(ctx, spec.Image); errors.Is(ierr, engine.ErrNotFound) {
				if perr := r.ensureImage(ctx, s, spec.Image, out); perr != nil {
					return perr
				}
				pulled = true
				err = run()
			}
		}
		var perm *permanentError
		if detach || errors.As(err, &perm) {
			return err // nothing of ours to remove (a name collision is someone else's)
		}
		if r.keepFailedAttempt(s, spec.Name, err != nil || code != 0) {
			created = true // removed before a retry
		} else {
			created = s.Keep
			r.afterContainer(ctx, s, spec.Name)
		}
		if err == nil || code >= 0 {
			res.ExitCode = code // the last attempt's; -1 until a container exited
		}
		r.c.debugf(s.ID, "container %s exited with code %d (error: %v)", spec.Name, code, err)
		if err != nil {
			return err
		}
		if code != 0 {
			return &ExitError{Code: code}
		}
		return nil
	})
}

// nameInUse is the fail-fast error for a container name collision.
func (r *run) nameInUse(name string) error {
	return &permanentError{fmt.Errorf("container name %s is already in use (another run on this engine?); use --unique-names", name)}
}

// afterContainer removes a step container after an attempt, in the
// background (the next step need not wait for it), unless the step keeps
// it (then it is recorded as kept).
func (r *run) afterContainer(ctx context.Context, s *graph.Step, name string) {
	if s.Keep {
		r.mu.Lock()
		if len(r.kept) == 0 || r.kept[len(r.kept)-1] != name {
			r.kept = append(r.kept, name)
		}
		r.mu.Unlock()
		return
	}
	r.removeAsync(ctx, s, name)
}

// removeContainer removes a step container now, on a context that
// survives the step's cancellation; on failure it is retried at the end.
func (r *run) removeContainer(ctx context.Context, s *graph.Step, name string) {
	budget := cleanupTimeout
	if ctx.Err() != nil {
		budget = cancelledCleanupTimeout // the run is ending: the engine may not answer
	}
	rctx, cancel := engine.Detached(ctx, budget)
	defer cancel()
	if err := r.eng.RemoveContainer(rctx, name); err != nil && !errors.Is(err, engine.ErrNotFound) {
		r.c.errorf(s.ID, evCleanup, "Failed to remove container: %s, err: %v", name, err)
		r.trackContainer(name) // try again at the end
	}
}

// startDetached starts a detach: true container; its id is the step's
// output. It is removed at the end of the run unless kept.
func (r *run) startDetached(ctx context.Context, s *graph.Step, spec engine.ContainerSpec, res *StepResult, out *stepOutput) error {
	id, err := r.eng.StartContainer(ctx, spec)
	if errors.Is(err, engine.ErrConflict) {
		return r.nameInUse(spec.Name)
	}
	if id != "" || err == nil {
		if s.Keep {
			r.mu.Lock()
			r.kept = append(r.kept, spec.Name)
			r.mu.Unlock()
		} else {
			r.trackContainer(spec.Name)
		}
	}
	if err != nil {
		return err
	}
	res.ContainerID = id
	fmt.Fprintln(out.stdout, id)
	return nil
}

// cmdSpec builds a cmd step's container.
func (r *run) cmdSpec(s *graph.Step, cmd *args.Cmd) (engine.ContainerSpec, error) {
	spec := engine.ContainerSpec{
		Name:       r.containerName(s),
		Image:      mapImage(r.opts.ImageMap, cmd.Image),
		Cmd:        cmd.Args,
		WorkingDir: r.containerWorkdir(s),
		User:       s.User,
		Network:    r.network(s.Network),
		Privileged: s.Privileged || cmd.Privileged,
		Init:       cmd.Init,
		TTY:        cmd.TTY && (!cmd.Interactive || r.interactive(true)), // -it without a terminal: no TTY, whose input would never end
		OpenStdin:  r.interactive(cmd.Interactive),                       // else stdin is empty: EOF, never a hang
		Isolation:  s.Isolation,
		Ports:      append(append([]string(nil), s.Ports...), cmd.Publish...),
		Expose:     append(append([]string(nil), s.Expose...), cmd.Expose...),
		ExtraHosts: cmd.AddHosts,
		Labels:     r.stepLabels(s),
	}
	if s.EntryPoint != "" {
		spec.Entrypoint = []string{s.EntryPoint}
	}
	if cmd.EntrypointSet {
		spec.Entrypoint = []string{cmd.Entrypoint}
	}
	if cmd.Name != "" {
		spec.Name = cmd.Name
	}
	if cmd.Workdir != "" {
		spec.WorkingDir = cmd.Workdir
	}
	if cmd.User != "" {
		spec.User = cmd.User
	}
	if cmd.Network != "" {
		spec.Network = r.network(cmd.Network)
	}
	if spec.Name != s.ID {
		spec.Aliases = []string{s.ID}
	}
	env := make([]string, 0, 1+len(s.Env)+len(cmd.Env))
	env = append(env, "HOME="+HomeDir)
	env = append(env, s.Env...)
	spec.Env = append(env, cmd.Env...)
	spec.Mounts = r.stepMounts(s)
	if s.ID == r.opts.ShellStep && r.opts.ShellStep != "" {
		r.shellSpec(&spec)
	}
	for _, v := range cmd.Volumes {
		m, err := parseVolumeFlag(v)
		if err != nil {
			return spec, inputErr("step %s: %w", s.ID, err)
		}
		mounts, err := addMount(spec.Mounts, m)
		if err != nil {
			return spec, inputErr("step %s: -v %s: %w", s.ID, v, err)
		}
		spec.Mounts = mounts
	}
	for _, l := range cmd.Labels {
		k, v, _ := strings.Cut(l, "=")
		spec.Labels[k] = v
	}
	if s.CPUs != "" {
		n, err := parseCPUs(s.CPUs)
		if err != nil {
			return spec, inputErr("step %s: cpus %q: %w", s.ID, s.CPUs, err)
		}
		spec.NanoCPUs = n
	}
	if cmd.NanoCPUs != 0 {
		spec.NanoCPUs = cmd.NanoCPUs
	}
	spec.MemoryBytes = cmd.MemoryBytes
	return spec, nil
}

// stepLabels labels a step container with the run and step ids.
func (r *run) stepLabels(s *graph.Step) map[string]string {
	return map[string]string{engine.LabelRun: r.runID, engine.LabelStep: s.ID, engine.LabelOwner: r.owner}
}

// stepMounts are the mounts of every step container: the run volume at
// /workspace, the engine socket, the home volume and the step's secret
// volumes.
func (r *run) stepMounts(s *graph.Step) []engine.Mount {
	m := []engine.Mount{
		r.workspaceMount(),
		{Type: "bind", Source: r.engineSocket(), Target: DockerSocket},
		{Type: "volume", Source: r.home, Target: HomeDir},
	}
	for _, vm := range s.VolumeMounts {
		src, ok := r.secrets[vm.Name]
		if !ok {
			src = vm.Name
		}
		m = append(m, engine.Mount{Type: "volume", Source: src, Target: vm.MountPath})
	}
	return m
}

// engineSocket is the run's engine socket on the engine's host.
func (r *run) engineSocket() string {
	if r.opts.EngineSocket != "" {
		return r.opts.EngineSocket
	}
	return DockerSocket
}

// parseVolumeFlag parses docker run -v src:dst[:ro|rw].
func parseVolumeFlag(v string) (engine.Mount, error) {
	parts := strings.Split(v, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || !path.IsAbs(parts[1]) {
		return engine.Mount{}, fmt.Errorf("volume %q: want source:/target[:ro]", v)
	}
	m := engine.Mount{Type: "volume", Source: parts[0], Target: parts[1]}
	if strings.HasPrefix(parts[0], "/") || strings.HasPrefix(parts[0], ".") {
		m.Type = "bind"
	}
	if len(parts) == 3 {
		switch parts[2] {
		case "ro":
			m.ReadOnly = true
		case "rw":
		default:
			return engine.Mount{}, fmt.Errorf("volume %q: unsupported mode %q", v, parts[2])
		}
	}
	return m, nil
}

// parseCPUs converts a decimal CPU count ("1.5") to nano CPUs.
func parseCPUs(s string) (int64, error) {
	q, ok := new(big.Rat).SetString(s)
	if !ok || q.Sign() < 0 {
		return 0, errors.New("not a non-negative decimal number")
	}
	q.Mul(q, big.NewRat(1e9, 1))
	if !q.IsInt() || !q.Num().IsInt64() {
		return 0, errors.New("too precise or too large")
	}
	return q.Num().Int64(), nil
}

// shellVarText shows a kept parameter as written.
func shellVarText(v string) string {
	if v == "~" {
		return v
	}
	return "$" + v
}

// addMount adds a -v mount of a cmd to the step's mounts. A mount acb
// already makes (the same source at the same path, such as the Docker
// socket tasks often mount themselves) is not repeated; another source at
// a path acb already uses is an error, where the engine would only say
// "Duplicate mount point".
func addMount(mounts []engine.Mount, m engine.Mount) ([]engine.Mount, error) {
	for _, have := range mounts {
		if path.Clean(have.Target) != path.Clean(m.Target) {
			continue
		}
		if have.Source == m.Source && have.Type == m.Type {
			return mounts, nil
		}
		if path.Clean(m.Target) == DockerSocket && path.Clean(m.Source) == DockerSocket {
			// The usual -v /var/run/docker.sock:/var/run/docker.sock asks
			// for the engine's socket: the run's is already there.
			return mounts, nil
		}
		return nil, fmt.Errorf("%s is already mounted at %s", have.Source, have.Target)
	}
	return append(mounts, m), nil
}
