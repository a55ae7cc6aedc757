#!/usr/bin/env bash
# ensure-docker.sh makes a Docker engine available on this machine.
# If `docker info` already answers, it does nothing. Otherwise it installs
# Debian's docker.io (plus busybox-static, docker-registry and git, which the
# tests use) and starts dockerd in the background, waiting until it answers.
# Developers and CI (.ci/run) use the same script.
set -euo pipefail

log() { printf 'ensure-docker: %s\n' "$*" >&2; }

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v busybox >/dev/null 2>&1 || [ -x /bin/busybox ] || need_pkgs+=(busybox-static)
command -v docker-registry >/dev/null 2>&1 || [ -x /usr/bin/docker-registry ] || need_pkgs+=(docker-registry)
command -v git >/dev/null 2>&1 || need_pkgs+=(git)
# busybox-static is needed even when a dynamic busybox exists: test images are FROM scratch.
dpkg -s busybox-static >/dev/null 2>&1 || need_pkgs+=(busybox-static)
command -v iptables >/dev/null 2>&1 || need_pkgs+=(iptables)

if [ "${#need_pkgs[@]}" -gt 0 ]; then
	log "installing: ${need_pkgs[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# docker-registry's package starts a service on :5000 on some systems; tests run
# their own instances on random ports, so stop a packaged one if it runs.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
	systemctl stop docker-registry || true
elif [ -x /etc/init.d/docker-registry ] && /etc/init.d/docker-registry status >/dev/null 2>&1; then
	/etc/init.d/docker-registry stop >/dev/null 2>&1 || true
fi

if docker info >/dev/null 2>&1; then
	log "engine answers: $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
	exit 0
fi

log "starting dockerd"
mkdir -p /var/log
nohup dockerd >/var/log/acb-dockerd.log 2>&1 &
for _ in $(seq 1 120); do
	if docker info >/dev/null 2>&1; then
		log "engine answers: $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
		exit 0
	fi
	sleep 0.5
done
log "dockerd did not answer within 60s; last log lines:"
tail -n 40 /var/log/acb-dockerd.log >&2 || true
exit 1
