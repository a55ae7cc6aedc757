package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateDockerfileNeedsBuildKit: validate reads the Dockerfiles of
// build steps next to the task file and warns when one needs BuildKit in a
// step ACR builds with the classic builder, naming the line and the env
// line to add.
func TestValidateDockerfileNeedsBuildKit(t *testing.T) {
	dir := taskDir(t, map[string]string{
		"task.yaml":        "steps:\n  - build: -t a -f app/Dockerfile .\n  - build: -t b -f app/Dockerfile .\n    env: [\"DOCKER_BUILDKIT=1\"]\n  - build: -t c -f plain.Dockerfile .\n",
		"app/Dockerfile":   "FROM x\nRUN --mount=type=secret,id=tok cat /run/secrets/tok\n",
		"plain.Dockerfile": "FROM x\nRUN true\n",
	})
	out, _, code := runCLI(t, "validate", filepath.Join(dir, "task.yaml"))
	if code != exitOK {
		t.Fatalf("validate exit %d:\n%s", code, out)
	}
	want := `task.yaml:2:5: warning: step acb_step_0: app/Dockerfile needs BuildKit at line 2 (RUN --mount=type=secret,id=tok cat /run/secrets/tok); ACR builds it with BuildKit only when the step's env has DOCKER_BUILDKIT=1 (add env: ["DOCKER_BUILDKIT=1"] to the step)`
	if !strings.Contains(out, want) {
		t.Errorf("validate lacks %q:\n%s", want, out)
	}
	if n := strings.Count(out, "needs BuildKit"); n != 1 {
		t.Errorf("%d BuildKit warnings, want 1 (the DOCKER_BUILDKIT=1 step and the plain Dockerfile need none):\n%s", n, out)
	}
}
