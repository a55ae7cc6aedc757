#!/usr/bin/env bash
# demo.sh runs the offline example end to end: it makes a Docker engine
# available, builds acb and the example's static binary, serves two local
# registries, and runs examples/hello/acb.yaml against them (build FROM scratch,
# run the image as a cmd step, push to both registries).
set -euo pipefail
cd "$(dirname "$0")/.."

REG1=${REG1:-127.0.0.1:5000}
REG2=${REG2:-127.0.0.1:5001}

bash scripts/ensure-docker.sh
make --no-print-directory build example

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for reg in "$REG1" "$REG2"; do
	bin/acb registry serve --addr "$reg" >/dev/null &
	pids+=("$!")
done
for reg in "$REG1" "$REG2"; do
	for _ in $(seq 1 50); do
		(exec 3<>"/dev/tcp/${reg%:*}/${reg##*:}") 2>/dev/null && break
		sleep 0.1
	done
done

bin/acb run -f acb.yaml examples/hello --set "REGISTRY1=$REG1" --set "REGISTRY2=$REG2" "$@"
