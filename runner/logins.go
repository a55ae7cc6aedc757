package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/acb-dev/acb/internal/retry"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/output"
)

// Logins supplies registry logins that may change during a run, such as
// identity-based ones whose ACR refresh tokens expire after about three
// hours: Auth is asked again for every pull, push and build, and before
// every cmd step (to refresh the run's Docker configuration), so it should
// return a credential good for a while yet. Implementations must be safe
// for concurrent use. See Options.Logins.
type Logins interface {
	// Registries returns the login servers (host[:port]).
	Registries() []string
	// Auth returns a current credential for one of Registries.
	Auth(ctx context.Context, registry string) (engine.RegistryAuth, error)
}

// LoginDescriber is optionally implemented by a Logins to say what
// produced a registry's credential ("identity: managed identity (App
// Service)", "username/password"); it is appended to the "Logging in to
// registry: X" line in parentheses.
type LoginDescriber interface {
	Describe(registry string) string
}

// loginBackoff are the pauses between the attempts of one registry login
// at set-up: four attempts, as acr-builder makes (250ms·2^attempt).
var loginBackoff = retry.Doubling(3, 250*time.Millisecond)

// ErrLogin wraps (through *LoginError) a registry login that failed at
// set-up, before any step ran. The CLI maps it to its infrastructure exit
// code.
var ErrLogin = errors.New("registry login failed")

// LoginError is a registry login that failed at set-up after every
// attempt. Its message names the registry and the engine's answer (with
// the registry's HTTP status), never a password or token.
type LoginError struct {
	Registry string
	Source   string // what produced the credential, may be empty
	Attempts int
	Err      error
}

// Error implements error.
func (e *LoginError) Error() string {
	src := ""
	if e.Source != "" {
		src = " (" + e.Source + ")"
	}
	if unauthorized(e.Err) {
		// Retrying a refused credential cannot help: say what can.
		return fmt.Sprintf("failed to login to registry %s%s: the registry refused the credential (not retried): %s; "+
			"check the user name and password or identity, or give the run its own with --credential server=%s,...",
			e.Registry, src, errText(e.Err), e.Registry)
	}
	return fmt.Sprintf("failed to login to registry %s%s, ran out of retries after %d attempt(s): %s", e.Registry, src, e.Attempts, errText(e.Err))
}

// unauthorized reports whether a registry refused a credential (HTTP 401,
// as the engine reports it).
func unauthorized(err error) bool {
	if err == nil {
		return false
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "401") || strings.Contains(msg, "unauthorized")
}

// Unwrap returns the last attempt's error.
func (e *LoginError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrLogin) true.
func (e *LoginError) Is(target error) bool { return target == ErrLogin }

// registries returns every registry the run logs in to (Options.Logins),
// sorted, without duplicates.
func (r *run) registries() []string {
	if r.opts.Logins == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, reg := range r.opts.Logins.Registries() {
		if !seen[reg] {
			seen[reg] = true
			out = append(out, reg)
		}
	}
	sort.Strings(out)
	return out
}

// registryAuth returns the current credential for a registry the run logs
// in to (Options.Logins). ok is false when it has none.
func (r *run) registryAuth(ctx context.Context, registry string) (a engine.RegistryAuth, ok bool, err error) {
	if l := r.opts.Logins; l != nil {
		for _, reg := range l.Registries() {
			if reg != registry {
				continue
			}
			a, err := l.Auth(ctx, registry)
			if err != nil {
				return engine.RegistryAuth{}, true, fmt.Errorf("credentials for %s: %w", registry, err)
			}
			if a.ServerAddress == "" {
				a.ServerAddress = registry
			}
			return a, true, nil
		}
	}
	return engine.RegistryAuth{}, false, nil
}

// currentAuths returns every registry's current credential.
func (r *run) currentAuths(ctx context.Context) (map[string]engine.RegistryAuth, error) {
	out := map[string]engine.RegistryAuth{}
	for _, reg := range r.registries() {
		a, ok, err := r.registryAuth(ctx, reg)
		if err != nil {
			return nil, err
		}
		if ok {
			out[reg] = a
		}
	}
	return out, nil
}

// describeLogin is the parenthesised source on the login line, or "".
func (r *run) describeLogin(registry string) string {
	d, ok := r.opts.Logins.(LoginDescriber)
	if !ok {
		return ""
	}
	for _, reg := range r.opts.Logins.Registries() {
		if reg == registry {
			return d.Describe(registry)
		}
	}
	return ""
}

// login verifies every registry's credential with the engine, as
// acr-builder's `docker login` does, logging "Logging in to registry: X"
// and "Successfully logged into X". The first line keeps acr-builder's text
// as its prefix; when Options.Logins says what produced the credential,
// that follows in parentheses ("Logging in to registry: X (identity:
// managed identity (App Service))"). A login is tried four times with
// 250ms, 500ms and 1s pauses; the last failure is a *LoginError.
func (r *run) login(ctx context.Context) error {
	for _, reg := range r.registries() {
		desc := r.describeLogin(reg)
		if desc != "" {
			r.c.sink.Event(output.Info, output.EventLogin).Registry(reg).Msgf("Logging in to registry: %s (%s)", reg, desc)
		} else {
			r.c.sink.Event(output.Info, output.EventLogin).Registry(reg).Msgf("Logging in to registry: %s", reg)
		}
		var err error // the last attempt's own error
		attempts, _ := retry.Do(ctx, loginBackoff, func(ctx context.Context, _ int) error {
			err = r.loginOnce(ctx, reg)
			if unauthorized(err) {
				return retry.Permanent(err) // a refused credential stays refused
			}
			return err
		})
		if err != nil {
			r.c.sink.Event(output.Error, output.EventLogin).Registry(reg).Attempt(attempts).Msgf("Failed to login to registry: %s", reg)
			return &LoginError{Registry: reg, Source: desc, Attempts: attempts, Err: err}
		}
		r.c.sink.Event(output.Info, output.EventLogin).Registry(reg).Status("successful").Msgf("Successfully logged into %s", reg)
	}
	return nil
}

func (r *run) loginOnce(ctx context.Context, registry string) error {
	a, _, err := r.registryAuth(ctx, registry)
	if err != nil {
		return err
	}
	return r.eng.Login(ctx, a)
}

// refreshDockerConfig rewrites the run's Docker configuration in the home
// volume when a credential from Options.Logins changed since it was last
// written, so `docker` commands in cmd steps of long runs stay logged in.
func (r *run) refreshDockerConfig(ctx context.Context) error {
	if r.opts.Logins == nil {
		return nil
	}
	auths, err := r.currentAuths(ctx)
	if err != nil {
		return err
	}
	cfg, err := dockerConfigJSON(auths)
	if err != nil {
		return err
	}
	r.cfgMu.Lock()
	defer r.cfgMu.Unlock()
	if bytes.Equal(cfg, r.cfgWritten) {
		return nil
	}
	tb, err := dockerConfigTar(auths)
	if err != nil {
		return err
	}
	if err := r.eng.CopyToVolume(ctx, r.home, bytes.NewReader(tb)); err != nil {
		return engineErr("refreshing the Docker configuration", err)
	}
	r.cfgWritten = cfg
	return nil
}
