package main

import (
	"context"

	"github.com/acb-dev/acb/auth"
	"github.com/acb-dev/acb/runner/engine"
)

// runLogins adapts resolved auth.Logins to runner.Logins: every pull, push
// and build asks for the registry's credential again, so identity-based
// logins are renewed before their refresh token expires in long runs.
type runLogins struct {
	logins *auth.Logins
	kinds  map[string]auth.Kind // registry -> how its credential logs in
}

func newRunLogins(logins *auth.Logins, creds []*auth.Credential) *runLogins {
	kinds := map[string]auth.Kind{}
	for _, c := range creds {
		kinds[c.Registry] = c.Kind
	}
	return &runLogins{logins: logins, kinds: kinds}
}

// Registries implements runner.Logins.
func (l *runLogins) Registries() []string { return l.logins.Registries() }

// Auth implements runner.Logins.
func (l *runLogins) Auth(ctx context.Context, registry string) (engine.RegistryAuth, error) {
	b, _, err := l.logins.Auth(ctx, registry)
	if err != nil {
		return engine.RegistryAuth{}, err
	}
	return engine.RegistryAuth{Username: b.Username, Password: b.Password, ServerAddress: registry}, nil
}

// Describe implements runner.LoginDescriber: "identity: <source that
// produced the token>" for identity logins (e.g. "identity: managed
// identity (App Service)"), otherwise the credential's source
// ("username/password", "Key Vault (identity [system])").
func (l *runLogins) Describe(registry string) string {
	r, ok := l.logins.Registry(registry)
	if !ok {
		return ""
	}
	if l.kinds[registry] == auth.KindIdentity {
		return "identity: " + r.Source()
	}
	return r.Source()
}
