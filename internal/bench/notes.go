package bench

import "fmt"

// notes describes how the numbers were taken.
func notes(h *Harness) []string {
	return []string{
		"Each repetition runs every variant of a workload once, in an order rotated by one each repetition (after one unmeasured warm-up repetition unless -warmup=false); `sync` runs before every execution.",
		"`acb run` rows time the whole `bin/acb run -f TASK CONTEXT --id ID --unique-names` process from spawn to exit (set-up, steps, clean-up). docker CLI rows time a `bash` process running the CLI. Engine API rows are timed in the harness around the calls (github.com/moby/moby/client v0.6.2): create, start, wait (not-running), remove per container, no output attached.",
		"\"acb's layout\" is what every acb run needs to mirror ACR: a user-defined bridge network and two volumes, created and removed inside the timed run, with every container on that network and both volumes mounted. It is the engine's floor for acb.",
		fmt.Sprintf("Images: `%s` (FROM scratch + static busybox, built locally); the build context is a Dockerfile (`FROM %s`, `COPY data /data`) and %d MiB of pseudo-random data; pushed images are FROM scratch with one %d MiB random layer each, to an in-process registry (go-containerregistry pkg/registry) that is emptied before every run and checked to receive every layer's bytes.",
			BusyboxTag, BusyboxTag, h.cfg.BuildMiB, h.cfg.PushMiB),
		"Builds use the classic builder without cache in every variant (`--no-cache`; `DOCKER_BUILDKIT=0` for the CLI), and each variant's image is removed, untimed, before each of its runs.",
		"Peak RSS is acb's own peak resident set as GNU time (`/usr/bin/time -f %M`) reports it. Without GNU time it falls back to wait4's `ru_maxrss`, which for a child Go spawned also counts the harness's resident pages at the exec and so overstates acb.",
		"Every container, network, volume and image the harness or its acb runs created is labelled (`" + LabelKey + "=<harness id>`, or `dev.acb.run=<harness id>-run-N`) or tagged and removed at the end.",
		"Reference numbers (acr-builder's `acb exec`, same workloads, 2-core machine): 20 steps 7.456 s (1.43 × API loop), 8 × sleep 2 4.048 s (1.38 × its 1 step), build 4.099 s (1.91 × API), see shared/reference/performance-anchors.md.",
	}
}
