package graph

import (
	"strings"

	"github.com/acb-dev/acb/internal/diag"
)

// buildKitNotices warns about build steps that ask for BuildKit (cache:
// enabled, DOCKER_BUILDKIT=1 in the step's environment), which acb's
// executor does not use yet: they are built with the engine's classic
// builder. Remove this once the executor builds such steps with BuildKit.
func (p *parser) buildKitNotices(t *Task) {
	for _, s := range t.Steps {
		if s.Type != BuildStep {
			continue
		}
		if strings.EqualFold(s.Cache, "enabled") {
			p.diags = append(p.diags, diag.Warnf(s.Pos, s.ID,
				"cache: enabled needs BuildKit, which acb does not use yet: the step is built with the classic builder, without ACR's registry cache"))
		}
		if s.UsesBuildKit() {
			p.diags = append(p.diags, diag.Warnf(s.Pos, s.ID,
				"DOCKER_BUILDKIT=1 asks for BuildKit, which acb does not use yet: the step is built with the classic builder"))
		}
	}
}
