#!/usr/bin/env bash
# Builds acb's release artefacts into $DIST (default dist/):
#
#   acb_<version>_<os>_<arch>.tar.gz   (.zip for windows) with the static binary,
#                                      README.md, CHANGELOG.md and docs/ (man pages)
#   acb_<version>_<os>_<arch>.cdx.json a CycloneDX SBOM of each binary (cyclonedx-gomod)
#   acb_<version>_checksums.txt        SHA-256 of every file above (sha256sum -c)
#
# Usage: VERSION=v0.1.0 scripts/release.sh   (make release VERSION=v0.1.0)
#
#   VERSION   semantic version, v-prefixed (required)
#   REVISION  git commit (default: git rev-parse HEAD)
#   TARGETS   os/arch list (default: linux, darwin, windows on amd64 and arm64)
#   SBOM      "none" skips the SBOMs (they need cyclonedx-gomod from the Go module proxy)
#
# Binaries are static (CGO_ENABLED=0), built with -trimpath and without a build
# id, and archived with the commit's time and root ownership, so the same commit
# and toolchain give the same archives. Each binary is checked: `go version -m`
# must report its GOOS/GOARCH and the version must be in it; the one for this
# machine must print the version and revision with `acb version -o json`.
set -euo pipefail
cd "$(dirname "$0")/.."

semver='^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'
VERSION=${VERSION:?set VERSION, e.g. VERSION=v0.1.0}
if ! [[ $VERSION =~ $semver ]]; then
	echo "release: VERSION $VERSION is not a semantic version (vMAJOR.MINOR.PATCH[-pre][+build])" >&2
	exit 2
fi
REVISION=${REVISION:-$(git rev-parse HEAD)}
DIST=${DIST:-dist}
TARGETS=${TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64}
SBOM=${SBOM:-cyclonedx}
CYCLONEDX=github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0
pkg=github.com/acb-dev/acb/internal/version
ldflags="-s -w -buildid= -X $pkg.Version=$VERSION -X $pkg.Revision=$REVISION"
# The archives' file times: the commit's, else now.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct "$REVISION" 2>/dev/null || date +%s)}

mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ $SBOM != none ]]; then
	# Built once for this machine; run per target with that target's GOOS
	# and GOARCH, which it writes into the SBOM's package URLs.
	GOFLAGS= GOBIN="$work/tools" go install "$CYCLONEDX"
fi

host=$(go env GOOS)/$(go env GOARCH)
name=acb_${VERSION#v}
for target in $TARGETS; do
	goos=${target%/*} goarch=${target#*/}
	exe=acb
	[[ $goos == windows ]] && exe=acb.exe
	stage=$work/${name}_${goos}_${goarch}
	mkdir -p "$stage"
	echo "release: building $target"
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$stage/$exe" ./cmd/acb

	# Check what was built.
	info=$(go version -m "$stage/$exe")
	grep -q "GOOS=$goos\$" <<<"$info" && grep -q "GOARCH=$goarch\$" <<<"$info" &&
		grep -q "CGO_ENABLED=0\$" <<<"$info" || { printf 'release: %s: go version -m says:\n%s\n' "$target" "$info" >&2; exit 1; }
	grep -qF "$VERSION" "$stage/$exe" && grep -qF "$REVISION" "$stage/$exe" ||
		{ echo "release: $target: version $VERSION or revision $REVISION not in the binary" >&2; exit 1; }
	if [[ $target == "$host" ]]; then
		want="\"version\": \"$VERSION\""
		got=$("$stage/$exe" version -o json)
		grep -qF "$want" <<<"$got" && grep -qF "\"revision\": \"$REVISION\"" <<<"$got" ||
			{ printf 'release: %s: acb version -o json says:\n%s\n' "$target" "$got" >&2; exit 1; }
	fi

	if [[ $SBOM != none ]]; then
		GOOS=$goos GOARCH=$goarch "$work/tools/cyclonedx-gomod" bin -json -version "$VERSION" \
			-output "$DIST/${name}_${goos}_${goarch}.cdx.json" "$stage/$exe"
	fi
	cp README.md CHANGELOG.md "$stage/"
	cp -r docs "$stage/docs"
	find "$stage" -exec touch -h -d "@$epoch" {} +
	base=$(basename "$stage")
	if [[ $goos == windows ]]; then
		rm -f "$DIST/$base.zip"
		(cd "$work" && find "$base" -print | LC_ALL=C sort | zip -qX "$DIST/$base.zip" -@)
	else
		tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -cf - "$base" |
			gzip -n9 >"$DIST/$base.tar.gz"
	fi
done

shopt -s nullglob
(cd "$DIST" && files=("$name"_*.tar.gz "$name"_*.zip "$name"_*.cdx.json) && sha256sum -- "${files[@]}" >"${name}_checksums.txt")
echo "release: artefacts in $DIST:"
(cd "$DIST" && ls -l "$name"_*)
