package version

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	cases := []struct {
		name              string
		version, revision string
		bi                *debug.BuildInfo
		wantV, wantR      string
		wantModified      bool
	}{
		{"go install module@version", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}}, "v0.1.0", "unknown", false},
		{"build in a checkout", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.1.1-0.20261202040618-454605fd8bbe+dirty"}, Settings: vcs("454605fd8bbe1346c1b1f9876ea6b0baac43375e", "true")},
			"v0.1.1-0.20261202040618-454605fd8bbe+dirty", "454605fd8bbe1346c1b1f9876ea6b0baac43375e", true},
		{"build without vcs stamping", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev", "unknown", false},
		{"link-time values win", "v0.2.0", "abc123",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("def456", "false")}, "v0.2.0", "abc123", false},
		{"no build info", "", "", nil, "dev", "unknown", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := resolve(c.version, c.revision, c.bi)
			if got.Version != c.wantV || got.Revision != c.wantR || got.Modified != c.wantModified {
				t.Errorf("got %+v, want version %q revision %q modified %v", got, c.wantV, c.wantR, c.wantModified)
			}
			if got.GoVersion == "" || got.Platform == "" {
				t.Errorf("missing Go version or platform: %+v", got)
			}
		})
	}
}
