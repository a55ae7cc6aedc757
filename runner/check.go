package runner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/args"
)

// CheckSteps reports what a run would refuse in each step before starting
// it, so that acb validate and acb run --dry-run say it instead of a run
// failing half-way: a cmd that needs a host shell without allowHostShell,
// a docker run option acb does not know, build arguments it cannot parse,
// and image references that are not valid — often a value that rendered
// empty (`-t /hello-world:x` when --set REGISTRY1 was forgotten).
func CheckSteps(task *graph.Task, allowHostShell bool) []graph.Diagnostic {
	var out []graph.Diagnostic
	add := func(s *graph.Step, format string, a ...any) {
		out = append(out, graph.Diagnostic{Pos: s.Pos, Severity: graph.SeverityError, StepID: s.ID, Msg: fmt.Sprintf(format, a...)})
	}
	for _, s := range task.Steps {
		for _, p := range stepProblems(s, allowHostShell) {
			add(s, "%s", p)
		}
	}
	return out
}

// stepProblems lists what a run would refuse in one step.
func stepProblems(s *graph.Step, allowHostShell bool) []string {
	var problems []string
	image := func(what, ref string) {
		// A "$" is an alias acb could not resolve here (an alias src that
		// validate did not fetch) or a variable the run warns about: the
		// reference is not known yet, so it is not judged.
		if strings.Contains(ref, "$") {
			return
		}
		if err := checkImageRef(ref); err != nil {
			problems = append(problems, fmt.Sprintf("%s %q: %v", what, ref, err))
		}
	}
	switch s.Type {
	case graph.PushStep:
		for _, ref := range s.Push {
			image("push", ref)
		}
	case graph.BuildStep:
		b, err := args.ParseBuild(s.Build)
		if err != nil {
			return append(problems, "build: "+err.Error())
		}
		for _, t := range b.Tags {
			image("build tag", t)
		}
	default:
		cmd, err := args.ParseCmd(s.Cmd)
		var hse *args.HostShellError
		switch {
		case errors.As(err, &hse):
			if !allowHostShell {
				problems = append(problems, "cmd "+hse.Error()+"; acb runs the image without a host shell: "+
					"move the shell syntax inside the container (sh -c '...') or give --allow-host-shell")
			}
		case err != nil:
			problems = append(problems, "cmd: "+err.Error())
		default:
			image("image", cmd.Image)
		}
	}
	return problems
}

// checkImageRef checks an image reference as the engine will read it; an
// empty part (a leading or doubled slash, an empty tag) is named, since it
// is usually a template value that rendered empty.
func checkImageRef(ref string) error {
	repo := ref
	if i := strings.IndexByte(repo, '@'); i >= 0 {
		repo = repo[:i]
	}
	if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') {
		if i == len(repo)-1 {
			return errors.New("an empty tag (a value that rendered empty, such as a --set it needs?)")
		}
		repo = repo[:i]
	}
	if strings.HasPrefix(repo, "/") {
		return errors.New("the registry part is empty: $Registry and {{.Run.Registry}} need --registry, " +
			"{{.Values.X}} needs --set X=... or --values")
	}
	for _, part := range strings.Split(repo, "/") {
		if part == "" {
			return errors.New("an empty name part (a value that rendered empty, such as a --set it needs?)")
		}
	}
	if _, err := name.ParseReference(ref, name.WeakValidation); err != nil {
		return errors.New("not a valid image reference")
	}
	return nil
}

// dryRunProblems logs, after the plan, what a run of the selected steps
// would refuse, and returns an ErrInput error when there is anything: a
// dry run whose plan has an error fails (exit 2), as the run would.
func (r *run) dryRunProblems() error {
	t := *r.task
	t.Steps = r.steps
	problems := CheckSteps(&t, r.opts.AllowHostShell)
	for _, d := range problems {
		r.c.errorf(d.StepID, evDryRun, "[DRY RUN] error: %s", d.Error())
	}
	switch len(problems) {
	case 0:
		return nil
	case 1:
		return inputErr("dry run: a run would refuse %w", problems[0])
	}
	return inputErr("dry run: a run would refuse %d steps; first: %w", len(problems), problems[0])
}
