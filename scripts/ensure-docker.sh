#!/usr/bin/env bash
# ensure-docker.sh makes a Docker engine available on this machine, for
# `make demo`, `make test` and CI (.ci/run).
#
# 1. It asks `docker info` first: any engine that answers is used as it is
#    (Docker Engine, Docker Desktop, colima, rootless Docker, Podman's socket,
#    a context or DOCKER_HOST), on any OS.
# 2. Only when none answers, and only on Debian/Ubuntu with apt, it installs
#    Debian's docker.io and starts dockerd in the background. Elsewhere it says
#    what to install and fails.
# 3. The test tools (busybox-static for the FROM-scratch test images,
#    docker-registry, git, openssh-server/-client, iproute2 and podman for the
#    engine-selection tests; zip, unzip and ca-certificates for the release
#    and image tests) are installed with apt when missing, where apt
#    can be used; elsewhere they are listed, since the demo does not need them.
set -euo pipefail

log() { printf 'ensure-docker: %s\n' "$*" >&2; }

engine_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }
engine_version() { docker version --format '{{.Server.Version}}' 2>/dev/null || true; }

# can_apt: Debian or Ubuntu (or a derivative) with apt-get, as root.
can_apt() {
	command -v apt-get >/dev/null 2>&1 || return 1
	[ "$(id -u)" = 0 ] || return 1
	[ -r /etc/os-release ] || return 1
	grep -qiE '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release
}

apt_install() {
	log "installing with apt: $*"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Test tools: what `make test` needs besides an engine.
test_pkgs=()
{ [ -x /bin/busybox ] && dpkg -s busybox-static >/dev/null 2>&1; } || test_pkgs+=(busybox-static)
command -v docker-registry >/dev/null 2>&1 || [ -x /usr/bin/docker-registry ] || test_pkgs+=(docker-registry)
command -v git >/dev/null 2>&1 || test_pkgs+=(git)
{ command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; } || test_pkgs+=(openssh-server)
command -v ssh >/dev/null 2>&1 || test_pkgs+=(openssh-client)
command -v ip >/dev/null 2>&1 || test_pkgs+=(iproute2)
command -v podman >/dev/null 2>&1 || test_pkgs+=(podman)
# The release and image tests: zip/unzip for Windows archives, the CA bundle
# the image ships.
command -v zip >/dev/null 2>&1 || test_pkgs+=(zip)
command -v unzip >/dev/null 2>&1 || test_pkgs+=(unzip)
[ -s /etc/ssl/certs/ca-certificates.crt ] || test_pkgs+=(ca-certificates)

engine_pkgs=()
if ! engine_answers; then
	command -v dockerd >/dev/null 2>&1 || engine_pkgs+=(docker.io)
	command -v iptables >/dev/null 2>&1 || engine_pkgs+=(iptables)
fi

if [ "${#engine_pkgs[@]}" -gt 0 ] || [ "${#test_pkgs[@]}" -gt 0 ]; then
	if can_apt; then
		apt_install "${engine_pkgs[@]}" "${test_pkgs[@]}"
	elif [ "${#engine_pkgs[@]}" -gt 0 ]; then
		log "no Docker engine answers \`docker info\`, and this is not Debian/Ubuntu with apt as root."
		log "install and start one, then run this again: Docker Engine (https://docs.docker.com/engine/install/),"
		log "Docker Desktop or colima (macOS), rootless Docker, or Podman's socket (podman system service) with DOCKER_HOST;"
		log "or point DOCKER_HOST / DOCKER_CONTEXT / \`docker context use\` at a running engine."
		exit 1
	else
		log "note: \`make test\` also needs: ${test_pkgs[*]} (Debian/Ubuntu package names); the demo does not"
	fi
fi

# docker-registry's package starts a service on :5000 on some systems; tests run
# their own instances on random ports, so stop a packaged one if it runs.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
	systemctl stop docker-registry || true
elif [ -x /etc/init.d/docker-registry ] && /etc/init.d/docker-registry status >/dev/null 2>&1; then
	/etc/init.d/docker-registry stop >/dev/null 2>&1 || true
fi

if engine_answers; then
	log "engine answers: $(engine_version)"
	exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
	log "no Docker engine answers \`docker info\`; start yours (Docker Desktop, colima, \`systemctl start docker\`,"
	log "rootless \`dockerd-rootless.sh\`) or point DOCKER_HOST / DOCKER_CONTEXT at one, then run this again"
	exit 1
fi

log "starting dockerd"
mkdir -p /var/log
nohup dockerd >/var/log/acb-dockerd.log 2>&1 &
for _ in $(seq 1 120); do
	if engine_answers; then
		log "engine answers: $(engine_version)"
		exit 0
	fi
	sleep 0.5
done
log "dockerd did not answer within 60s; last log lines:"
tail -n 40 /var/log/acb-dockerd.log >&2 || true
exit 1
