package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/managedidentity"
)

// Token is an Entra ID access token.
type Token struct {
	// Value is the bearer token. It is a secret.
	Value string
	// ExpiresOn is when the token expires.
	ExpiresOn time.Time
	// Source names the credential that produced the token, such as
	// "managed identity (App Service)", "environment" or "Azure CLI".
	Source string
}

// TokenSource obtains Entra ID access tokens for one identity.
type TokenSource interface {
	// Token returns a token for resource, an Entra ID resource such as
	// "https://containerregistry.azure.net" (a scope ending in "/.default"
	// is accepted as well).
	Token(ctx context.Context, resource string) (Token, error)
}

// TokenSourceOptions configure [NewTokenSource]. The zero value is ready to
// use.
type TokenSourceOptions struct {
	// ClientOptions go to every azidentity credential that uses an HTTP
	// pipeline; tests set Transport.
	ClientOptions azcore.ClientOptions
}

// IdentityError is the error of a [TokenSource]: no token for Identity.
type IdentityError struct {
	// Identity is [SystemIdentity] or a client id.
	Identity string
	// Source names the credential (or chain) that failed.
	Source string
	// StatusCode is the HTTP status of the identity endpoint's answer, 0
	// when there was none.
	StatusCode int
	// Err is the underlying error.
	Err error
}

// Error implements error.
func (e *IdentityError) Error() string {
	msg := fmt.Sprintf("get Entra ID token for identity %s from %s", e.Identity, e.Source)
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(" (HTTP %d %s)", e.StatusCode, http.StatusText(e.StatusCode))
	}
	return msg + ": " + firstLine(e.Err.Error())
}

// Unwrap returns Err.
func (e *IdentityError) Unwrap() error { return e.Err }

// namedCredential is one azidentity credential with the name acb reports.
type namedCredential struct {
	name string
	cred azcore.TokenCredential
}

// identitySource is the TokenSource of NewTokenSource: an ordered chain of
// named credentials that, like azidentity's ChainedTokenCredential, sticks
// to the first one that answers.
type identitySource struct {
	identity string
	chain    []namedCredential
	skipped  []string // sources left out of the chain, with the reason

	mu     sync.Mutex
	winner *namedCredential
}

// NewTokenSource returns the token source for id: [SystemIdentity] or the
// client id of a user-assigned managed identity.
//
// For a client id it is that managed identity. For [SystemIdentity] it is
// the system-assigned managed identity when the environment shows a managed
// identity endpoint (App Service, Functions, Container Apps, Cloud Shell,
// Azure Arc, Service Fabric, Azure ML), and otherwise the
// DefaultAzureCredential chain: environment service principal, workload
// identity, managed identity (IMDS, after a one-second probe), Azure CLI and
// Azure Developer CLI. The chain is built here, credential by credential,
// so that [Token.Source] can name the one that answered.
//
// The environment is read now; keep it unchanged while the source is used.
func NewTokenSource(id string, opts TokenSourceOptions) (TokenSource, error) {
	identity, err := normalizeIdentity(id)
	if err != nil {
		return nil, err
	}
	src, err := managedidentity.GetSource()
	if err != nil {
		return nil, fmt.Errorf("detect managed identity source: %w", err)
	}
	miName := "managed identity (" + miSourceName(src) + ")"
	s := &identitySource{identity: identity}
	if opts.ClientOptions.Retry.MaxRetries == 0 && opts.ClientOptions.Retry.TryTimeout == 0 {
		// acb retries each login itself (4 attempts with back-off); the
		// SDK's own retries under that multiplied the wait for an
		// unreachable identity endpoint to tens of seconds.
		opts.ClientOptions.Retry.MaxRetries = -1
	}

	if identity != SystemIdentity || src != managedidentity.DefaultToIMDS {
		o := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: opts.ClientOptions}
		if identity != SystemIdentity {
			o.ID = azidentity.ClientID(identity)
		}
		mi, err := azidentity.NewManagedIdentityCredential(o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", miName, err)
		}
		s.chain = []namedCredential{{miName, mi}}
		return s, nil
	}

	add := func(name string, cred azcore.TokenCredential, err error) {
		if err != nil {
			s.skipped = append(s.skipped, name+": "+firstLine(err.Error()))
			return
		}
		s.chain = append(s.chain, namedCredential{name, cred})
	}
	env, err := azidentity.NewEnvironmentCredential(&azidentity.EnvironmentCredentialOptions{ClientOptions: opts.ClientOptions})
	add("environment", env, err)
	wi, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{ClientOptions: opts.ClientOptions})
	add("workload identity", wi, err)
	mi, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ClientOptions: opts.ClientOptions})
	if err == nil {
		add(miName, &imdsProbe{cred: mi, client: opts.ClientOptions.Transport}, nil)
	} else {
		add(miName, nil, err)
	}
	cli, err := azidentity.NewAzureCLICredential(nil)
	add("Azure CLI", cli, err)
	azd, err := azidentity.NewAzureDeveloperCLICredential(nil)
	add("Azure Developer CLI", azd, err)
	return s, nil
}

// Token implements TokenSource.
func (s *identitySource) Token(ctx context.Context, resource string) (Token, error) {
	opts := policy.TokenRequestOptions{Scopes: []string{scopeFor(resource)}}
	s.mu.Lock()
	winner := s.winner
	s.mu.Unlock()
	if winner != nil {
		return s.try(ctx, *winner, opts)
	}

	var errs []string
	for _, nc := range s.chain {
		tok, err := s.try(ctx, nc, opts)
		if err == nil {
			s.mu.Lock()
			s.winner = &nc
			s.mu.Unlock()
			return tok, nil
		}
		if len(s.chain) == 1 || ctx.Err() != nil || !unavailable(err) {
			return Token{}, err
		}
		errs = append(errs, nc.name+": "+firstLine(errors.Unwrap(err).Error()))
	}
	return Token{}, &IdentityError{
		Identity: s.identity,
		Source:   "the default credential chain",
		Err:      fmt.Errorf("no source answered (%s)", strings.Join(append(errs, s.skipped...), "; ")),
	}
}

func (s *identitySource) try(ctx context.Context, nc namedCredential, opts policy.TokenRequestOptions) (Token, error) {
	at, err := nc.cred.GetToken(ctx, opts)
	if err != nil {
		ie := &IdentityError{Identity: s.identity, Source: nc.name, Err: err}
		var afe *azidentity.AuthenticationFailedError
		if errors.As(err, &afe) && afe.RawResponse != nil {
			ie.StatusCode = afe.RawResponse.StatusCode
		}
		return Token{}, ie
	}
	return Token{Value: at.Token, ExpiresOn: at.ExpiresOn, Source: nc.name}, nil
}

// unavailable reports whether a chain should move on after err, as
// azidentity's chain does for "credential unavailable": every error but a
// failed authentication.
func unavailable(err error) bool {
	var afe *azidentity.AuthenticationFailedError
	return !errors.As(err, &afe)
}

// imdsProbe guards the IMDS managed identity in the default chain the way
// DefaultAzureCredential does: before the first token request it checks
// with a one-second request that an IMDS endpoint answers at all, so that a
// laptop does not spend a minute retrying an address nothing listens on.
type imdsProbe struct {
	cred   azcore.TokenCredential
	client policy.Transporter // nil: http.DefaultClient

	mu     sync.Mutex
	probed bool
}

const imdsURL = "http://169.254.169.254/metadata/identity/oauth2/token"

func (p *imdsProbe) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	p.mu.Lock()
	probed := p.probed
	p.mu.Unlock()
	if !probed {
		cx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(cx, http.MethodGet, imdsURL, nil)
		if err != nil {
			return azcore.AccessToken{}, fmt.Errorf("IMDS probe: %w", err)
		}
		var do func(*http.Request) (*http.Response, error) = http.DefaultClient.Do
		if p.client != nil {
			do = p.client.Do
		}
		resp, err := do(req)
		if err != nil {
			return azcore.AccessToken{}, fmt.Errorf("no managed identity endpoint (IMDS) answered: %w", err)
		}
		resp.Body.Close()
		p.mu.Lock()
		p.probed = true
		p.mu.Unlock()
	}
	return p.cred.GetToken(ctx, opts)
}

// scopeFor turns an Entra ID resource into the ".default" scope azidentity
// asks for.
func scopeFor(resource string) string {
	if strings.HasSuffix(resource, "/.default") {
		return resource
	}
	return resource + "/.default"
}

func miSourceName(s managedidentity.Source) string {
	switch s {
	case managedidentity.AppService:
		return "App Service"
	case managedidentity.CloudShell:
		return "Cloud Shell"
	case managedidentity.AzureArc:
		return "Azure Arc"
	case managedidentity.ServiceFabric:
		return "Service Fabric"
	case managedidentity.AzureML:
		return "Azure ML"
	case managedidentity.DefaultToIMDS:
		return "IMDS"
	}
	return string(s)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}
