package report

import (
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
)

const testDigest = "sha256:21a3deaa0d32a8057914f36584b5288d2e5ecc984380bc0118285c70fa8c9300"

func TestParseReference(t *testing.T) {
	tests := []struct {
		in   string
		want ImageReference
		name string // want Name()
	}{
		// The acr-builder test table (scan/dependencies_test.go).
		{"registry.hub.docker.com/library/node:16", ImageReference{"registry.hub.docker.com", "library/node", "16", "", "registry.hub.docker.com/library/node:16"}, "docker.io/library/node:16"},
		{"library/node:16", ImageReference{"registry.hub.docker.com", "library/node", "16", "", "library/node:16"}, "docker.io/library/node:16"},
		{"node:16", ImageReference{"registry.hub.docker.com", "library/node", "16", "", "node:16"}, "docker.io/library/node:16"},
		{"myregistry.azurecr.io/myorg/myimage:mytag", ImageReference{"myregistry.azurecr.io", "myorg/myimage", "mytag", "", "myregistry.azurecr.io/myorg/myimage:mytag"}, "myregistry.azurecr.io/myorg/myimage:mytag"},
		{"myorg/myimage:mytag", ImageReference{"registry.hub.docker.com", "myorg/myimage", "mytag", "", "myorg/myimage:mytag"}, "docker.io/myorg/myimage:mytag"},
		{"registry.hub.docker.com/myorg/myimage:mytag", ImageReference{"registry.hub.docker.com", "myorg/myimage", "mytag", "", "registry.hub.docker.com/myorg/myimage:mytag"}, "docker.io/myorg/myimage:mytag"},
		// :latest normalisation.
		{"alpine", ImageReference{"registry.hub.docker.com", "library/alpine", "latest", "", "alpine:latest"}, "docker.io/library/alpine:latest"},
		{"myorg/img", ImageReference{"registry.hub.docker.com", "myorg/img", "latest", "", "myorg/img:latest"}, "docker.io/myorg/img:latest"},
		// Docker Hub spelled out.
		{"docker.io/alpine:3", ImageReference{"registry.hub.docker.com", "library/alpine", "3", "", "docker.io/alpine:3"}, "docker.io/library/alpine:3"},
		{"index.docker.io/library/alpine", ImageReference{"registry.hub.docker.com", "library/alpine", "latest", "", "index.docker.io/library/alpine:latest"}, "docker.io/library/alpine:latest"},
		// Registries without a dot (fixes acr-builder's localhost:5000 bug).
		{"localhost:5000/foo", ImageReference{"localhost:5000", "foo", "latest", "", "localhost:5000/foo:latest"}, "localhost:5000/foo:latest"},
		{"localhost/foo:1", ImageReference{"localhost", "foo", "1", "", "localhost/foo:1"}, "localhost/foo:1"},
		{"myhost:5000/a/b:c", ImageReference{"myhost:5000", "a/b", "c", "", "myhost:5000/a/b:c"}, "myhost:5000/a/b:c"},
		{"[::1]:5000/foo:1", ImageReference{"[::1]:5000", "foo", "1", "", "[::1]:5000/foo:1"}, "[::1]:5000/foo:1"},
		// Digests: no tag.
		{"alpine@" + testDigest, ImageReference{"registry.hub.docker.com", "library/alpine", "", testDigest, "alpine@" + testDigest}, "docker.io/library/alpine@" + testDigest},
		{"alpine:3.19@" + testDigest, ImageReference{"registry.hub.docker.com", "library/alpine", "", testDigest, "alpine:3.19@" + testDigest}, "docker.io/library/alpine@" + testDigest},
		{"mcr.microsoft.com/dotnet/sdk@" + testDigest, ImageReference{"mcr.microsoft.com", "dotnet/sdk", "", testDigest, "mcr.microsoft.com/dotnet/sdk@" + testDigest}, "mcr.microsoft.com/dotnet/sdk@" + testDigest},
		// Numeric-looking tags stay strings.
		{"node:9", ImageReference{"registry.hub.docker.com", "library/node", "9", "", "node:9"}, "docker.io/library/node:9"},
	}
	for _, tt := range tests {
		got, err := ParseReference(tt.in)
		if err != nil {
			t.Errorf("ParseReference(%q) error: %v", tt.in, err)
			continue
		}
		if *got != tt.want {
			t.Errorf("ParseReference(%q) = %+v; want %+v", tt.in, *got, tt.want)
		}
		if n := got.Name(); n != tt.name {
			t.Errorf("ParseReference(%q).Name() = %q; want %q", tt.in, n, tt.name)
		}
		// Name must be accepted by go-containerregistry, strictly.
		if _, err := name.ParseReference(got.Name(), name.StrictValidation); err != nil {
			t.Errorf("name.ParseReference(%q) error: %v", got.Name(), err)
		}
	}
}

func TestParseReferenceErrors(t *testing.T) {
	for _, in := range []string{"", "Ubuntu:18.04", "MyOrg/app", "alpine:", "a b", "alpine@sha256:abc", ":latest"} {
		if got, err := ParseReference(in); err == nil {
			t.Errorf("ParseReference(%q) = %+v; want an error", in, got)
		}
	}
}

func TestNameKeepsTagAfterDigestIsFilled(t *testing.T) {
	r, err := ParseReference("alpine:3.19")
	if err != nil {
		t.Fatal(err)
	}
	r.Digest = testDigest
	if got, want := r.Name(), "docker.io/library/alpine:3.19"; got != want {
		t.Errorf("Name() = %q; want %q", got, want)
	}
	var nilRef *ImageReference
	if got := nilRef.Name(); got != "" {
		t.Errorf("nil Name() = %q; want empty", got)
	}
}
