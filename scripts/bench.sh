#!/usr/bin/env bash
# bench.sh runs acb's benchmark harness (internal/bench/cmd/acbbench) and
# rewrites BENCHMARKS.md. `make bench` calls it after making an engine
# available and building bin/acb. Extra arguments go to the harness, e.g.
#   bash scripts/bench.sh -reps 7 -only steps,build -out -
# Set ACBBENCH_MAX_LOAD to wait (up to 2 min per workload) for a quieter
# machine before each workload.
set -euo pipefail
cd "$(dirname "$0")/.."

GO="${GO:-go}"
[ -x bin/acb ] || { echo "bench: bin/acb is missing; run make build" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "bench: no Docker engine answers; run scripts/ensure-docker.sh" >&2; exit 1; }

command -v /usr/bin/time >/dev/null 2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 || echo "bench: GNU time not installed; peak RSS falls back to wait4 rusage" >&2; }
mkdir -p .bench
"$GO" build -o .bench/acbbench ./internal/bench/cmd/acbbench
exec .bench/acbbench -acb bin/acb -go "$GO" -max-load "${ACBBENCH_MAX_LOAD:-0}" "$@"
