package auth

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

// UserKeychain looks registry up in the user's Docker configuration
// (DOCKER_CONFIG or ~/.docker/config.json, and the credential helpers it
// names; Podman's auth.json as a fallback) through go-containerregistry's
// default keychain. ok is false when the user has no login for it. An
// identity token (as `az acr login` may leave) is returned as the ACR
// refresh-token login.
func UserKeychain(registry string) (b Basic, ok bool, err error) {
	reg, err := normalizeRegistry(registry)
	if err != nil {
		return Basic{}, false, err
	}
	target, err := name.NewRegistry(reg)
	if err != nil {
		return Basic{}, false, fmt.Errorf("user keychain: %w", err)
	}
	a, err := authn.DefaultKeychain.Resolve(target)
	if err != nil {
		return Basic{}, false, fmt.Errorf("user keychain for %s: %w", reg, err)
	}
	if a == authn.Anonymous {
		return Basic{}, false, nil
	}
	cfg, err := a.Authorization()
	if err != nil {
		return Basic{}, false, fmt.Errorf("user keychain for %s: %w", reg, err)
	}
	switch {
	case cfg.Username != "" || cfg.Password != "":
		return Basic{Username: cfg.Username, Password: cfg.Password}, true, nil
	case cfg.Auth != "":
		raw, err := base64.StdEncoding.DecodeString(cfg.Auth)
		if err != nil {
			return Basic{}, false, fmt.Errorf("user keychain for %s: auth field is not base64", reg)
		}
		user, pass, found := strings.Cut(string(raw), ":")
		if !found {
			return Basic{}, false, fmt.Errorf("user keychain for %s: auth field is not user:password", reg)
		}
		return Basic{Username: user, Password: pass}, true, nil
	case cfg.IdentityToken != "":
		return Basic{Username: ACRUsername, Password: cfg.IdentityToken}, true, nil
	}
	return Basic{}, false, nil
}

// Keychain returns a go-containerregistry keychain that answers with these
// logins and, for registries they do not name, with [UserKeychain]'s source,
// the user's Docker configuration.
func (l *Logins) Keychain() authn.Keychain { return keychain{l} }

type keychain struct{ l *Logins }

// Resolve implements authn.Keychain.
func (k keychain) Resolve(target authn.Resource) (authn.Authenticator, error) {
	return k.ResolveContext(context.Background(), target)
}

// ResolveContext implements authn.ContextKeychain.
func (k keychain) ResolveContext(ctx context.Context, target authn.Resource) (authn.Authenticator, error) {
	b, ok, err := k.l.Auth(ctx, target.RegistryStr())
	if err != nil {
		return nil, err
	}
	if !ok {
		return authn.Resolve(ctx, authn.DefaultKeychain, target)
	}
	return authn.FromConfig(authn.AuthConfig{Username: b.Username, Password: b.Password}), nil
}
