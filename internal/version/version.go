// Package version reports which acb this binary is: the release version and
// revision set at link time by `make build`/`make release`, or else what the
// Go toolchain recorded in the build info (`go install ...@v0.1.0` records
// the module version; a build in a git checkout records the revision).
package version

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is the semantic version set at link time (-X); empty for builds
// without ldflags, which fall back to the build info.
var Version = ""

// Revision is the git commit set at link time (-X); empty for builds
// without ldflags, which fall back to the build info.
var Revision = ""

// Info describes this binary. Its JSON form is `acb version -o json`.
type Info struct {
	Version   string `json:"version"`
	Revision  string `json:"revision"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Get returns this binary's version information.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(Version, Revision, bi)
}

// resolve prefers the link-time values and fills the rest from the build
// info: the main module's version ("(devel)" for builds inside a checkout)
// and the vcs.revision and vcs.modified settings.
func resolve(version, revision string, bi *debug.BuildInfo) Info {
	info := Info{
		Version:   version,
		Revision:  revision,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi != nil {
		if info.Version == "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Revision == "" {
					info.Revision = s.Value
				}
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
		// A version stamped from a dirty checkout ends in +dirty already.
		if strings.HasSuffix(info.Version, "+dirty") {
			info.Modified = true
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Revision == "" {
		info.Revision = "unknown"
	}
	return info
}
