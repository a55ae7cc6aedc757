package runner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/args"
)

// dryRun prints the plan as log lines ("[DRY RUN] ...") and touches no
// engine.
func (r *run) dryRun() {
	p := func(format string, a ...any) { r.c.logf("", evDryRun, "[DRY RUN] "+format, a...) }
	p("Run ID: %s", r.runID)
	r.logLeftOut()
	if r.workspace != "" {
		p("Host directory %s mounted at %s (kept)", r.workspace, graph.WorkspaceDir)
	} else {
		p("Volume %s mounted at %s", r.vol, graph.WorkspaceDir)
	}
	if src := r.opts.Source; src.HasContent() {
		what := src.Dir
		if src.Archive != "" {
			what = src.Archive
		}
		p("Source context %s copied into %s", what, r.workspaceName())
	}
	for _, n := range r.task.Networks {
		if n.SkipCreation {
			p("Network %s (existing, not created)", r.network(n.Name))
		} else if r.unusedNetworks {
			p("Network %s not created: no step of this run starts a container on it", r.network(n.Name))
		} else {
			p("Network %s, driver: '%s'", r.network(n.Name), n.Driver)
		}
	}
	p("Docker configuration in volume %s at %s/.docker/config.json", r.home, HomeDir)
	for _, reg := range r.registries() {
		p("Login: %s", reg)
	}
	for _, v := range r.task.Volumes {
		p("Secret volume %s (%s): %d file(s)", r.secrets[v.Name], v.Name, len(v.Secret))
	}
	for _, s := range r.steps {
		deps := "none (starts at once)"
		if d := r.deps[s.ID]; len(d) > 0 {
			deps = strings.Join(d, ", ")
		}
		p("Step %s (%s), after: %s, timeout %ds", s.ID, s.Type, deps, stepTimeout(s))
		for _, line := range r.describeStep(s) {
			p("  %s", line)
		}
	}
}

// describeStep renders what a step would do.
func (r *run) describeStep(s *graph.Step) []string {
	switch s.Type {
	case graph.PushStep:
		return []string{"push " + strings.Join(s.Push, " ")}
	case graph.BuildStep:
		b, err := args.ParseBuild(s.Build)
		if err != nil {
			return []string{"error: " + err.Error()}
		}
		if plan, err := r.planBuild(s, b); err != nil {
			return []string{"error: " + err.Error()}
		} else if plan.remote != "" {
			return []string{fmt.Sprintf("build from %s, tags %v", plan.remote, b.Tags)}
		} else {
			return []string{fmt.Sprintf("build context %s/%s, Dockerfile %s/%s, tags %v",
				graph.WorkspaceDir, plan.ctxPath, graph.WorkspaceDir, plan.dockerfile, b.Tags)}
		}
	}
	cmd, err := args.ParseCmd(s.Cmd)
	var hse *args.HostShellError
	if errors.As(err, &hse) {
		if !r.opts.AllowHostShell {
			return []string{"error: " + err.Error() + " (not allowed without --allow-host-shell)"}
		}
		return []string{"/bin/sh -c " + r.hostShellLine(s, r.containerName(s), "<env file: HOME and the step's env>")}
	}
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	spec, err := r.cmdSpec(s, cmd)
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	lines := []string{
		fmt.Sprintf("container %s, image %s, cmd %q", spec.Name, spec.Image, spec.Cmd),
		fmt.Sprintf("network %s, workdir %q, user %q, entrypoint %q", spec.Network, spec.WorkingDir, spec.User, spec.Entrypoint),
		fmt.Sprintf("env %q", spec.Env),
	}
	var mounts []string
	for _, m := range spec.Mounts {
		mounts = append(mounts, m.Source+":"+m.Target)
	}
	lines = append(lines, "mounts "+strings.Join(mounts, " "))
	if s.Detach || cmd.Detach {
		lines = append(lines, "detached")
	}
	if s.Keep {
		lines = append(lines, "kept after the run")
	}
	return lines
}
