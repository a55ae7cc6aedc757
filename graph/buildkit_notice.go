package graph

import (
	"strings"

	"github.com/acb-dev/acb/internal/diag"
)

// buildKitNotices warns about cache: enabled on build steps: acb builds
// them with the engine's BuildKit as ACR does, but with an inline cache
// instead of ACR's separate registry cache (the engine's embedded BuildKit
// cannot export one). DOCKER_BUILDKIT=1 needs no notice: such steps are
// built with BuildKit, as on ACR.
func (p *parser) buildKitNotices(t *Task) {
	for _, s := range t.Steps {
		if s.Type == BuildStep && strings.EqualFold(s.Cache, "enabled") {
			p.diags = append(p.diags, diag.Warnf(s.Pos, s.ID,
				"cache: enabled builds with BuildKit and an inline cache imported from the step's tags, not ACR's separate registry cache (cache_<task>_<step> tags)"))
		}
	}
}
