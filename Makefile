# acb: a local runner for Azure Container Registry Tasks.
#
#   make build   builds bin/acb and the example's static binary
#   make test    makes a Docker engine available, then runs every test
#   make bench   runs the benchmark harness and rewrites BENCHMARKS.md
#   make lint    gofmt and go vet
#   make demo    runs the offline example end to end (scripts/demo.sh)
#   make release builds the release archives, checksums and SBOMs in dist/ (VERSION=vX.Y.Z)
#   make image   builds the container image acb:<version> (FROM scratch) on the local engine
#   make docs    regenerates the command docs and man pages in docs/ (after any flag or help change)

GO       ?= go
PKGS     := ./...
# A semantic version: the nearest vX.Y.Z tag (v0.1.0-3-gabc1234-dirty between
# tags), v0.1.0-dev before the first tag. `make release VERSION=v0.1.0` sets it.
VERSION  ?= $(shell git describe --tags --match 'v[0-9]*.[0-9]*.[0-9]*' --dirty 2>/dev/null || echo v0.1.0-dev)
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
# The container image's tag (no + in Docker tags).
IMAGE    ?= acb:$(subst +,-,$(VERSION))
LDFLAGS  := -s -w -X github.com/acb-dev/acb/internal/version.Version=$(VERSION) -X github.com/acb-dev/acb/internal/version.Revision=$(REVISION)

.PHONY: all build example demo test unit lint bench engine clean docs release image

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/acb ./cmd/acb

# The offline example builds an image FROM scratch holding this static binary:
# a Linux binary for the engine's architecture, also when make runs on macOS
# (Docker Desktop, colima: Linux in a VM).
EXAMPLE_ARCH ?= $(shell docker version --format '{{.Server.Arch}}' 2>/dev/null || $(GO) env GOARCH)
example: build
	CGO_ENABLED=0 GOOS=linux GOARCH=$(EXAMPLE_ARCH) $(GO) build -trimpath -ldflags '-s -w' -o examples/hello/hello ./examples/hello/cmd

engine:
	bash scripts/ensure-docker.sh

# demo serves two local registries and runs examples/hello against them.
demo:
	bash scripts/demo.sh

test: engine lint
	$(GO) test -count=1 -timeout 30m $(PKGS)

# unit runs the tests without first making sure an engine runs.
unit:
	$(GO) test -count=1 $(PKGS)

# release cross-compiles the static binaries (linux, darwin, windows on amd64
# and arm64) and writes archives, SBOMs and checksums to dist/.
release:
	VERSION=$(VERSION) REVISION=$(REVISION) bash scripts/release.sh

# image builds a FROM-scratch image of acb with the docker CLI (engine needed).
image: engine
	VERSION=$(VERSION) REVISION=$(REVISION) IMAGE=$(IMAGE) bash scripts/image.sh

# docs writes docs/cli (Markdown) and docs/man (man pages) from the cobra
# command tree; TestDocsAreCurrent fails until they are regenerated.
docs:
	$(GO) run ./cmd/acb gen-docs docs

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

bench: engine build
	bash scripts/bench.sh

clean:
	rm -rf bin dist examples/hello/hello .bench
