package docker

import (
	"context"

	"github.com/moby/buildkit/session/auth"
	"google.golang.org/grpc"

	"github.com/acb-dev/acb/runner/engine"
)

// authProvider answers the engine's BuildKit when it needs registry
// credentials (base images, --cache-from) during a build, from the run's
// credentials only: it never reads or writes the user's Docker config
// directory. Hosts without a credential get anonymous access. Token
// fetching is left to the engine (FetchToken is unimplemented, which
// BuildKit answers by using Credentials).
type authProvider struct {
	auth.UnimplementedAuthServer
	creds map[string]engine.RegistryAuth
}

func newAuthProvider(creds map[string]engine.RegistryAuth) *authProvider {
	return &authProvider{creds: creds}
}

// Register implements session.Attachable.
func (p *authProvider) Register(s *grpc.Server) {
	auth.RegisterAuthServer(s, p)
}

// Credentials returns the credential for req.Host.
func (p *authProvider) Credentials(_ context.Context, req *auth.CredentialsRequest) (*auth.CredentialsResponse, error) {
	a, ok := p.lookup(req.GetHost())
	if !ok {
		return &auth.CredentialsResponse{}, nil
	}
	if a.IdentityToken != "" {
		return &auth.CredentialsResponse{Secret: a.IdentityToken}, nil
	}
	return &auth.CredentialsResponse{Username: a.Username, Secret: a.Password}, nil
}

// lookup finds host's credential; Docker Hub is known by several names.
func (p *authProvider) lookup(host string) (engine.RegistryAuth, bool) {
	names := []string{host}
	if host == "registry-1.docker.io" || host == "docker.io" || host == "index.docker.io" {
		names = append(names, "docker.io", "index.docker.io", "https://index.docker.io/v1/", "registry-1.docker.io")
	}
	for _, n := range names {
		if a, ok := p.creds[n]; ok {
			return a, true
		}
	}
	return engine.RegistryAuth{}, false
}
