package report

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// DockerHubRegistry is the registry name ACR reports for Docker Hub images.
const DockerHubRegistry = "registry.hub.docker.com"

// dockerHubDomain is the name the Docker engine and go-containerregistry
// both accept for Docker Hub.
const dockerHubDomain = "docker.io"

// ImageReference is one image in the report, normalised as ACR reports it.
// Its JSON form is acb's (pkg/image.Reference).
type ImageReference struct {
	// Registry is the registry host, e.g. "myreg.azurecr.io",
	// "localhost:5000" or DockerHubRegistry.
	Registry string `json:"registry"`
	// Repository is the path inside the registry, e.g. "library/alpine".
	Repository string `json:"repository"`
	// Tag is empty when the reference is pinned by digest.
	Tag string `json:"tag,omitempty"`
	// Digest is the manifest digest ("sha256:..."): as written for a pinned
	// reference, otherwise empty until the caller fills it in.
	Digest string `json:"digest"`
	// Reference is the text as written, with ":latest" added when it has
	// neither tag nor digest (e.g. "alpine:latest").
	Reference string `json:"reference"`
}

// ParseReference parses an image reference as written in a Dockerfile or a
// -t flag. Docker Hub images get registry DockerHubRegistry and a
// "library/" prefix for official images; a missing tag (and no digest)
// becomes "latest"; a reference pinned by digest keeps the digest and no
// tag. Upper-case repository names are an error, as in Docker, and so is an
// upper-case first component that is not a registry host (no "." or ":").
func ParseReference(s string) (*ImageReference, error) {
	if first, _, ok := strings.Cut(s, "/"); ok && !strings.ContainsAny(first, ".:") &&
		first != "localhost" && strings.ToLower(first) != first {
		// Docker would take "MyOrg/app" for a registry host; it is almost
		// certainly a Docker Hub user name, and those must be lower case.
		return nil, fmt.Errorf("parsing image reference %q: repository name (%s) must be lowercase", s, first)
	}
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return nil, fmt.Errorf("parsing image reference %q: %w", s, err)
	}
	r := &ImageReference{
		Registry:   reference.Domain(named),
		Repository: reference.Path(named),
		Reference:  s,
	}
	if r.Registry == dockerHubDomain {
		r.Registry = DockerHubRegistry
	}
	switch ref := named.(type) {
	case reference.Digested:
		r.Digest = ref.Digest().String()
	case reference.Tagged:
		r.Tag = ref.Tag()
	default:
		r.Tag = "latest"
		r.Reference = s + ":latest"
	}
	return r, nil
}

// IsScratch reports whether r is Docker's empty base image, which ACR
// reports as registry.hub.docker.com/library/scratch:latest, without a
// digest.
func (r *ImageReference) IsScratch() bool {
	return r != nil && r.Registry == DockerHubRegistry && r.Repository == "library/"+scratch
}

// Name returns a reference that both the Docker engine and
// go-containerregistry's name.ParseReference accept, for looking the image
// up: "docker.io/library/alpine:latest", "myreg.azurecr.io/app:v1" or
// "localhost:5000/x@sha256:...". The tag wins over the digest, so Name does
// not change once the caller has filled the digest in.
func (r *ImageReference) Name() string {
	if r == nil {
		return ""
	}
	registry := r.Registry
	if registry == DockerHubRegistry {
		registry = dockerHubDomain
	}
	var b strings.Builder
	if registry != "" {
		b.WriteString(registry)
		b.WriteByte('/')
	}
	b.WriteString(r.Repository)
	switch {
	case r.Tag != "":
		b.WriteByte(':')
		b.WriteString(r.Tag)
	case r.Digest != "":
		b.WriteByte('@')
		b.WriteString(r.Digest)
	}
	return b.String()
}
