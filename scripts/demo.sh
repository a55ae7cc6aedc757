#!/usr/bin/env bash
# demo.sh runs the offline example end to end: it makes a Docker engine
# available, builds acb and the example's static binary, serves two local
# registries, and runs examples/hello/acb.yaml against them (build FROM scratch,
# run the image as a cmd step, push to both registries).
set -euo pipefail
cd "$(dirname "$0")/.."

# REG1 and REG2 are the registries' addresses; by default each takes a free
# port on 127.0.0.1 (nothing fixed that another program may hold).
REG1=${REG1:-127.0.0.1:0}
REG2=${REG2:-127.0.0.1:0}

bash scripts/ensure-docker.sh
make --no-print-directory build example

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# serve ADDR N: starts `acb registry serve` and sets REG<N> to the address it
# listens on, read from its "Serving registry on ADDR" line.
serve() {
	local out="$tmp/reg$2" addr=""
	bin/acb registry serve --addr "$1" >"$out" &
	pids+=("$!")
	for _ in $(seq 1 100); do
		addr=$(sed -n 's/^Serving registry on //p' "$out")
		[ -n "$addr" ] && break
		kill -0 "${pids[${#pids[@]}-1]}" 2>/dev/null || { echo "demo: acb registry serve --addr $1 failed" >&2; exit 1; }
		sleep 0.1
	done
	[ -n "$addr" ] || { echo "demo: acb registry serve --addr $1 did not start" >&2; exit 1; }
	eval "REG$2=\$addr"
}
serve "$REG1" 1
serve "$REG2" 2

bin/acb run -f acb.yaml examples/hello --set "REGISTRY1=$REG1" --set "REGISTRY2=$REG2" "$@"
