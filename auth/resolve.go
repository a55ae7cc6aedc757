package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/acb-dev/acb/internal/retry"
)

// ResolveOptions configure [Resolve]. The zero value is ready to use.
type ResolveOptions struct {
	// TokenSourceOptions configure the identity token sources.
	TokenSourceOptions TokenSourceOptions
	// NewTokenSource replaces [NewTokenSource] (with TokenSourceOptions);
	// it is called once per distinct identity.
	NewTokenSource func(identity string) (TokenSource, error)
	// Identities, when set, gives the identities' token sources instead of
	// NewTokenSource: the run's one resolution of [system] and client ids,
	// shared with Key Vault reads and the step identity endpoint.
	Identities *Identities
	// Secrets reads Key Vault secrets. Without it, Key Vault credentials
	// fail.
	Secrets SecretGetter
	// Exchanger trades Entra ID tokens for ACR refresh tokens; nil means
	// a zero Exchanger (HTTPS, http.DefaultClient).
	Exchanger *Exchanger
	// Parallelism bounds how many credentials are resolved at once;
	// 0 means 5.
	Parallelism int
	// Timeout bounds each credential's login, retries included; 0 means
	// two minutes.
	Timeout time.Duration
	// Backoff are the pauses between attempts of one login; nil means
	// 250ms, 500ms, 1s (four attempts). An empty non-nil slice means one
	// attempt.
	Backoff []time.Duration
	// Now is the clock that decides when logins are renewed; nil means
	// time.Now.
	Now func() time.Time
	// OnSecret, if set, is called with every new secret value (password,
	// refresh token, user name read from Key Vault), also those obtained
	// by later renewals, so the caller can mask it in logs.
	OnSecret func(secret string)
}

// Logins are a run's resolved registry logins. They are safe for
// concurrent use.
type Logins struct {
	regs map[string]*Registry
}

// Resolve logs in to the registry of every credential, several at a time,
// each with a timeout and retries with back-off, and returns the logins. It
// fails, naming every registry that failed, if any login fails, or if two
// credentials name the same registry.
func Resolve(ctx context.Context, creds []*Credential, opts ResolveOptions) (*Logins, error) {
	if opts.Parallelism <= 0 {
		opts.Parallelism = 5
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	if opts.Backoff == nil {
		opts.Backoff = defaultBackoff()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Exchanger == nil {
		opts.Exchanger = &Exchanger{}
	}
	if opts.Identities != nil {
		opts.NewTokenSource = opts.Identities.Source
	}
	if opts.NewTokenSource == nil {
		tso := opts.TokenSourceOptions
		opts.NewTokenSource = func(id string) (TokenSource, error) { return NewTokenSource(id, tso) }
	}

	l := &Logins{regs: map[string]*Registry{}}
	sources := &tokenSources{newSource: opts.NewTokenSource, m: map[string]TokenSource{}}
	order := make([]*Registry, 0, len(creds))
	for _, c := range creds {
		if err := c.Validate(); err != nil {
			return nil, err
		}
		if _, dup := l.regs[c.Registry]; dup {
			return nil, fmt.Errorf("two credentials for registry %s", c.Registry)
		}
		r := &Registry{
			name:       c.Registry,
			login:      loginFor(c, opts, sources),
			now:        opts.Now,
			backoff:    opts.Backoff,
			onSecret:   opts.OnSecret,
			secretUser: c.UsernameInVault,
			source:     describe(c),
		}
		l.regs[c.Registry] = r
		order = append(order, r)
	}

	errs := make([]error, len(order))
	sem := make(chan struct{}, opts.Parallelism)
	var wg sync.WaitGroup
	for i, r := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = newLoginError(r.name, r.source, 0, ctx.Err())
				return
			}
			defer func() { <-sem }()
			cx, cancel := context.WithTimeout(ctx, opts.Timeout)
			defer cancel()
			r.mu.Lock()
			defer r.mu.Unlock()
			errs[i] = r.renewLocked(cx)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return l, nil
}

// describe names a credential's source before its first login.
func describe(c *Credential) string {
	switch c.Kind {
	case KindKeyVault:
		return "Key Vault (identity " + c.Identity + ")"
	case KindIdentity:
		return "identity " + c.Identity
	}
	return "username/password"
}

// loginFor returns the login attempt for c.
func loginFor(c *Credential, opts ResolveOptions, sources *tokenSources) loginFunc {
	switch c.Kind {
	case KindKeyVault:
		return func(ctx context.Context) (Basic, time.Time, string, error) {
			if opts.Secrets == nil {
				return Basic{}, time.Time{}, "", retry.Permanent(fmt.Errorf("credential for %s reads Key Vault secrets, but no secret resolver is configured (is --offline set?)", c.Registry))
			}
			b := Basic{Username: c.Username, Password: c.Password}
			for _, f := range []struct {
				inVault bool
				value   *string
				what    string
			}{{c.UsernameInVault, &b.Username, "username"}, {c.PasswordInVault, &b.Password, "password"}} {
				if !f.inVault {
					continue
				}
				v, err := opts.Secrets.GetSecret(ctx, *f.value, c.Identity)
				if err != nil {
					return Basic{}, time.Time{}, "", fmt.Errorf("read %s from Key Vault: %w", f.what, err)
				}
				*f.value = v
			}
			return b, time.Time{}, describe(c), nil
		}
	case KindIdentity:
		return func(ctx context.Context) (Basic, time.Time, string, error) {
			ts, err := sources.get(c.Identity)
			if err != nil {
				return Basic{}, time.Time{}, "", retry.Permanent(err)
			}
			tok, err := ts.Token(ctx, c.Resource)
			if err != nil {
				return Basic{}, time.Time{}, "", err
			}
			refresh, err := opts.Exchanger.Exchange(ctx, c.Registry, tenantOf(tok.Value), tok.Value)
			if err != nil {
				serr := &sourcedError{source: tok.Source, err: err}
				var se *StatusError
				if errors.As(err, &se) && se.StatusCode == http.StatusUnauthorized {
					return Basic{}, time.Time{}, "", retry.Permanent(serr) // a refused identity stays refused
				}
				return Basic{}, time.Time{}, "", serr
			}
			exp := expiryOf(refresh)
			if exp.IsZero() {
				exp = opts.Now().Add(time.Hour)
			}
			return Basic{Username: ACRUsername, Password: refresh}, exp, tok.Source, nil
		}
	}
	return func(context.Context) (Basic, time.Time, string, error) {
		if c.Password == "" {
			return Basic{}, time.Time{}, "", retry.Permanent(fmt.Errorf("password for %s is to be read from stdin, but none was given", c.Registry))
		}
		return Basic{Username: c.Username, Password: c.Password}, time.Time{}, describe(c), nil
	}
}

// tokenSources makes one TokenSource per identity, on first use.
type tokenSources struct {
	newSource func(identity string) (TokenSource, error)
	mu        sync.Mutex
	m         map[string]TokenSource
}

func (s *tokenSources) get(identity string) (TokenSource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ts, ok := s.m[identity]; ok {
		return ts, nil
	}
	ts, err := s.newSource(identity)
	if err != nil {
		return nil, &IdentityError{Identity: identity, Source: "identity " + identity, Err: err}
	}
	s.m[identity] = ts
	return ts, nil
}

// Registries returns the login servers, sorted.
func (l *Logins) Registries() []string {
	names := make([]string, 0, len(l.regs))
	for n := range l.regs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Registry returns the login to registry, if there is one.
func (l *Logins) Registry(registry string) (*Registry, bool) {
	name, err := normalizeRegistry(registry)
	if err != nil {
		return nil, false
	}
	r, ok := l.regs[name]
	return r, ok
}

// Auth returns a fresh-enough credential for registry; ok is false when no
// credential names it.
func (l *Logins) Auth(ctx context.Context, registry string) (b Basic, ok bool, err error) {
	r, ok := l.Registry(registry)
	if !ok {
		return Basic{}, false, nil
	}
	b, err = r.Basic(ctx)
	return b, true, err
}

// Secrets returns every secret value the logins have held so far
// (passwords, refresh tokens, user names read from Key Vault), for masking.
// Renewals add values later; see [ResolveOptions].OnSecret.
func (l *Logins) Secrets() []string {
	var out []string
	for _, n := range l.Registries() {
		out = append(out, l.regs[n].secretValues()...)
	}
	return out
}
