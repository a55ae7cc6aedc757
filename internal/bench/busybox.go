package bench

import (
	"context"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/docker"
)

// BusyboxTag is the local test image every container workload runs: FROM
// scratch plus the host's static busybox, the image the tests use.
const BusyboxTag = testenv.BusyboxTag

// EnsureBusybox builds BusyboxTag through the Engine API unless the engine
// has it, and reports whether it built it, so the caller can remove it.
func EnsureBusybox(ctx context.Context, e *docker.Engine) (built bool, err error) {
	return testenv.EnsureBusybox(ctx, e)
}
