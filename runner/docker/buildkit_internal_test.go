package docker

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/acb-dev/acb/runner/engine"
)

// TestSolveOpt checks the Dockerfile frontend options a spec becomes, as
// `docker build` with BuildKit passes them.
func TestSolveOpt(t *testing.T) {
	dir := t.TempDir()
	v := "1"
	opt, err := solveOpt(engine.BuildKitSpec{
		ContextDir: dir, DockerfileDir: dir, Dockerfile: "Dockerfile.prod", SharedKey: "k",
		Tags: []string{"a:1", "b:2"}, BuildArgs: map[string]*string{"V": &v, "UNSET": nil},
		Target: "final", NoCache: true, Pull: true, Labels: map[string]string{"l": "x"}, Platform: "linux/amd64",
		Network: "host", ExtraHosts: []string{"h:10.0.0.1"}, CacheFrom: []string{"r/c:1"}, InlineCache: true,
		Excludes: []string{"*.log"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"filename": "Dockerfile.prod", "target": "final", "no-cache": "", "image-resolve-mode": "pull",
		"platform": "linux/amd64", "build-arg:V": "1", "build-arg:BUILDKIT_INLINE_CACHE": "1", "label:l": "x",
		"add-hosts": "h=10.0.0.1", "force-network-mode": "host",
	}
	if d := cmp.Diff(want, opt.FrontendAttrs); d != "" {
		t.Errorf("frontend attrs (-want +got):\n%s", d)
	}
	if opt.Frontend != "dockerfile.v0" || opt.SharedKey != "k" || len(opt.LocalMounts) != 2 {
		t.Errorf("frontend %q, shared key %q, %d local mounts", opt.Frontend, opt.SharedKey, len(opt.LocalMounts))
	}
	if len(opt.Exports) != 1 || opt.Exports[0].Type != "moby" || opt.Exports[0].Attrs["name"] != "a:1,b:2" {
		t.Errorf("exports %+v", opt.Exports)
	}
	if len(opt.CacheImports) != 1 || opt.CacheImports[0].Attrs["ref"] != "r/c:1" {
		t.Errorf("cache imports %+v", opt.CacheImports)
	}
	if len(opt.CacheExports) != 1 || opt.CacheExports[0].Type != "inline" {
		t.Errorf("cache exports %+v, want inline", opt.CacheExports)
	}
	if d := cmp.Diff([]string{"network.host"}, opt.AllowedEntitlements); d != "" {
		t.Errorf("entitlements: %s", d)
	}
	for _, bad := range []engine.BuildKitSpec{
		{ContextDir: dir, Network: "acb_default_network"},
		{ContextDir: dir, ExtraHosts: []string{"nocolon"}},
	} {
		if _, err := solveOpt(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if _, err := solveOpt(engine.BuildKitSpec{ContextDir: dir, Network: "acb_default_network"}); err == nil || !strings.Contains(err.Error(), "user-defined network") {
		t.Errorf("custom network error: %v", err)
	}
}
