// Package bench is acb's benchmark harness (issue 7). It measures acb
// side by side with the docker CLI and a minimal Engine API loop on the same
// engine, in one sitting, and renders BENCHMARKS.md.
//
// The workloads follow shared/reference/performance-anchors.md so the numbers
// compare with the reference engine's: 20 sequential trivial containers, 8
// parallel `sleep 2` steps, a classic build of a 200 MiB context, three
// pushes to an in-process registry, start-up of `acb version` and `acb
// validate`, and acb's peak RSS. Every engine object the harness creates
// carries the label [LabelKey]; acb's own objects carry dev.acb.run=<id>
// with ids the harness chose, and both are removed when it ends.
//
// The harness uses only local images: acbtest/busybox:1 (built FROM scratch
// from the host's static busybox if the engine lacks it) and images it builds
// itself. Timing assertions live here, never in `make test`.
package bench
