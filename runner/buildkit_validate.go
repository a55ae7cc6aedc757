package runner

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/args"
)

// BuildKitDockerfileWarnings is `acb validate`'s look at Dockerfiles: for
// each build step ACR builds with the classic builder (no DOCKER_BUILDKIT=1,
// no cache: enabled) whose Dockerfile is found under workspace (the host
// directory standing for /workspace, such as the task file's), a warning
// when the Dockerfile needs BuildKit, naming the line and the env line to
// add. Steps with a remote context or no readable Dockerfile are skipped.
func BuildKitDockerfileWarnings(task *graph.Task, workspace string) []StepWarning {
	r := &run{task: task, opts: &Options{}}
	var out []StepWarning
	for _, s := range task.Steps {
		if s.Type != graph.BuildStep || buildKitReason(s) != "" {
			continue
		}
		b, err := args.ParseBuild(s.Build)
		if err != nil {
			continue
		}
		plan, err := r.planBuild(s, b)
		if err != nil || plan.remote != "" {
			continue
		}
		f, err := os.Open(filepath.Join(workspace, filepath.FromSlash(plan.dockerfile)))
		if err != nil {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(f, maxDockerfile))
		f.Close()
		if err != nil {
			continue
		}
		if feats := scanDockerfileFeatures(data); len(feats.NeedsBuildKit) > 0 {
			out = append(out, StepWarning{Step: s, Msg: fmt.Sprintf("%s needs BuildKit at %s; ACR builds it with BuildKit only when the step's env has %s (add env: [\"%s\"] to the step), otherwise the classic build fails",
				plan.dockerfile, feats.NeedsBuildKit[0], buildKitEnvLine, buildKitEnvLine)})
		}
	}
	return out
}

// StepWarning is a warning about one step.
type StepWarning struct {
	Step *graph.Step
	Msg  string
}
