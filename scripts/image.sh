#!/usr/bin/env bash
# Builds acb's container image (make image): FROM scratch, the static linux
# binary for this machine's architecture and Debian's CA bundle
# (/etc/ssl/certs/ca-certificates.crt from the ca-certificates package), with
# the docker CLI against the engine in DOCKER_HOST or the local socket.
# Nothing is pulled.
#
#   IMAGE     tag to build (default acb:<version>)
#   VERSION   semantic version stamped into the binary and the image labels
#   REVISION  git commit (default: git rev-parse HEAD)
#   GOARCH    architecture of the binary (default: this machine's)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=${VERSION:?set VERSION, e.g. VERSION=v0.1.0}
REVISION=${REVISION:-$(git rev-parse HEAD)}
IMAGE=${IMAGE:-acb:${VERSION//+/-}}
GOARCH=${GOARCH:-$(go env GOARCH)}
certs=/etc/ssl/certs/ca-certificates.crt
if [[ ! -s $certs ]]; then
	echo "image: $certs is missing: apt-get install ca-certificates" >&2
	exit 1
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
pkg=github.com/acb-dev/acb/internal/version
CGO_ENABLED=0 GOOS=linux GOARCH=$GOARCH go build -trimpath -buildvcs=false \
	-ldflags "-s -w -buildid= -X $pkg.Version=$VERSION -X $pkg.Revision=$REVISION" -o "$ctx/acb" ./cmd/acb
cp "$certs" "$ctx/ca-certificates.crt"
# The classic builder: it needs no buildx plugin and no base image. Its
# deprecation notice is shown only with a failure.
if ! out=$(DOCKER_BUILDKIT=0 docker build --quiet --platform "linux/$GOARCH" -f scripts/image.Dockerfile \
	--build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" -t "$IMAGE" "$ctx" 2>&1); then
	echo "$out" >&2
	exit 1
fi
echo "image: built $IMAGE"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}' "$IMAGE"
