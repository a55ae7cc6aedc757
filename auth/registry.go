package auth

import (
	"context"
	"sync"
	"time"

	"github.com/acb-dev/acb/internal/retry"
)

// Basic is a user name and password for a registry.
type Basic struct {
	// Username is the user name; ACRUsername for identity-based logins.
	Username string
	// Password is the password or ACR refresh token. It is a secret.
	Password string
}

// loginFunc makes one login attempt. It returns the credential, when it
// expires (zero: never), and the source that produced it.
type loginFunc func(ctx context.Context) (b Basic, expires time.Time, source string, err error)

// Registry is the login to one registry. Identity-based logins are renewed
// shortly before their refresh token expires, so that each call to Basic
// returns a credential that is good for a while yet. A Registry is safe for
// concurrent use.
type Registry struct {
	name     string
	login    loginFunc
	now      func() time.Time
	backoff  []time.Duration
	onSecret func(string)
	// secretUser says that the user name is a secret too (read from Key Vault).
	secretUser bool

	mu      sync.Mutex
	source  string
	cur     Basic
	issued  time.Time
	expires time.Time
	secrets []string
}

// Name returns the registry's login server.
func (r *Registry) Name() string { return r.name }

// Source names what produced the current credential, such as
// "username/password", "Key Vault (identity [system])" or "managed identity
// (App Service)", for "Logging in to registry" log lines.
func (r *Registry) Source() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.source
}

// ExpiresOn returns when the current credential expires; the zero time
// means never.
func (r *Registry) ExpiresOn() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.expires
}

// Basic returns a credential for the registry, logging in again first when
// the current one is near its expiry: within a quarter of its lifetime, at
// most 15 minutes. If that fails while the current credential is still
// valid, Basic returns the current one and tries again on the next call.
func (r *Registry) Basic(ctx context.Context) (Basic, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.expires.IsZero() {
		return r.cur, nil
	}
	now := r.now()
	margin := min(r.expires.Sub(r.issued)/4, 15*time.Minute)
	if now.Before(r.expires.Add(-margin)) {
		return r.cur, nil
	}
	if err := r.renewLocked(ctx); err != nil {
		if now.Before(r.expires) {
			return r.cur, nil
		}
		return Basic{}, err
	}
	return r.cur, nil
}

// renewLocked logs in with retries and stores the result.
func (r *Registry) renewLocked(ctx context.Context) error {
	var (
		b       Basic
		expires time.Time
		source  string
	)
	attempts, err := retry.Do(ctx, r.backoff, func(ctx context.Context, _ int) error {
		var err error
		b, expires, source, err = r.login(ctx)
		return err
	})
	if err != nil {
		return newLoginError(r.name, r.source, attempts, err)
	}
	r.cur, r.source, r.issued, r.expires = b, source, r.now(), expires
	r.addSecretLocked(b.Password)
	if r.secretUser {
		r.addSecretLocked(b.Username)
	}
	return nil
}

func (r *Registry) addSecretLocked(s string) {
	if s == "" {
		return
	}
	for _, old := range r.secrets {
		if old == s {
			return
		}
	}
	r.secrets = append(r.secrets, s)
	if r.onSecret != nil {
		r.onSecret(s)
	}
}

// secretValues returns every secret value this registry has held.
func (r *Registry) secretValues() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.secrets...)
}
