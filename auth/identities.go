package auth

import (
	"context"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Identities is a run's one resolution of identities: one TokenSource per
// identity ([SystemIdentity] or a client id), made on first use and shared
// by everything that needs a token for it — Key Vault reads (Credential),
// registry logins ([ResolveOptions].Identities) and the identity endpoint
// served to steps — so that [system] is the same identity everywhere in a
// run. It is safe for concurrent use.
type Identities struct {
	opts     TokenSourceOptions
	onSource func(identity, source string)

	mu      sync.Mutex
	sources map[string]*loggedSource // by normalized identity
}

// NewIdentities returns an empty set of identities whose token sources use
// opts. onSource, if set, is called once per identity with the name of the
// credential that gave its first token (such as "managed identity (App
// Service)"), so the run can say which credential answered, once.
func NewIdentities(opts TokenSourceOptions, onSource func(identity, source string)) *Identities {
	return &Identities{opts: opts, onSource: onSource, sources: map[string]*loggedSource{}}
}

// Source returns the token source of identity: [SystemIdentity] ("" and
// "system" too) or a client id.
func (ids *Identities) Source(identity string) (TokenSource, error) {
	if identity == "" {
		identity = SystemIdentity
	}
	id, err := normalizeIdentity(identity)
	if err != nil {
		return nil, err
	}
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if s, ok := ids.sources[id]; ok {
		return s, nil
	}
	ts, err := NewTokenSource(id, ids.opts)
	if err != nil {
		return nil, err
	}
	s := &loggedSource{identity: id, src: ts, onSource: ids.onSource}
	ids.sources[id] = s
	return s, nil
}

// Credential returns identity's token source as an azcore.TokenCredential,
// for Azure SDK clients (the Key Vault client of package secrets).
func (ids *Identities) Credential(identity string) (azcore.TokenCredential, error) {
	ts, err := ids.Source(identity)
	if err != nil {
		return nil, err
	}
	return sdkCredential{ts}, nil
}

// loggedSource reports the source of its first token.
type loggedSource struct {
	identity string
	src      TokenSource
	onSource func(identity, source string)
	once     sync.Once
}

// Token implements TokenSource.
func (s *loggedSource) Token(ctx context.Context, resource string) (Token, error) {
	tok, err := s.src.Token(ctx, resource)
	if err == nil && s.onSource != nil {
		s.once.Do(func() { s.onSource(s.identity, tok.Source) })
	}
	return tok, err
}

// sdkCredential adapts a TokenSource to azcore.TokenCredential.
type sdkCredential struct{ src TokenSource }

// GetToken implements azcore.TokenCredential.
func (c sdkCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	scope := ""
	if len(opts.Scopes) > 0 {
		scope = opts.Scopes[0]
	}
	tok, err := c.src.Token(ctx, scope)
	if err != nil {
		return azcore.AccessToken{}, err
	}
	return azcore.AccessToken{Token: tok.Value, ExpiresOn: tok.ExpiresOn}, nil
}
