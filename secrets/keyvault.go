package secrets

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// Defaults of KeyVaultOptions, as in acr-builder: batches of 5, two minutes
// per secret.
const (
	DefaultParallelism = 5
	DefaultTimeout     = 2 * time.Minute
)

// KeyVaultOptions configures a KeyVault. The zero value reads public and
// sovereign cloud vaults with the ambient identities.
type KeyVaultOptions struct {
	// Credential returns the identity that reads a secret: clientID is the
	// secret's clientID (a user-assigned managed identity), "" for the
	// default identity. It is called once per distinct clientID and the
	// result is reused. If nil, "" gives azidentity's
	// DefaultAzureCredential and any other clientID a
	// ManagedIdentityCredential for that client ID.
	Credential func(clientID string) (azcore.TokenCredential, error)
	// ClientOptions is passed to the Key Vault clients and to the default
	// credentials (Transport, Retry, Cloud...).
	ClientOptions azcore.ClientOptions
	// DisableChallengeResourceVerification skips the check that the
	// vault's authentication challenge names a resource of the vault's own
	// domain. Only fakes on 127.0.0.1 need it.
	DisableChallengeResourceVerification bool
	// AllowAnyHost accepts secret URLs on any https host (see
	// ParseOptions).
	AllowAnyHost bool
	// AllowLoopback accepts secret URLs of a local Key Vault emulator on a
	// loopback host (see ParseOptions). For those vaults only, the
	// challenge resource is not verified: an emulator on 127.0.0.1 cannot
	// be in the resource's domain. The emulator's certificate must still be
	// trusted (SSL_CERT_FILE on Linux, or ClientOptions.Transport).
	AllowLoopback bool
	// Parallelism bounds the lookups running at once; 0 means
	// DefaultParallelism.
	Parallelism int
	// Timeout bounds each secret's lookup, token included; 0 means
	// DefaultTimeout.
	Timeout time.Duration
}

// KeyVault resolves secrets from Azure Key Vault. It is safe for concurrent
// use; it caches one credential per client ID and one client per vault and
// identity.
type KeyVault struct {
	opts KeyVaultOptions
	// redact holds every token obtained and every value read, masked out
	// of all error text.
	redact Masker

	mu      sync.Mutex
	creds   map[string]azcore.TokenCredential // by client ID; guarded by mu
	clients map[string]*azsecrets.Client      // by vault URL + "\n" + client ID; guarded by mu
}

// NewKeyVault returns a KeyVault with opts.
func NewKeyVault(opts KeyVaultOptions) *KeyVault {
	if opts.Parallelism <= 0 {
		opts.Parallelism = DefaultParallelism
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	return &KeyVault{
		opts:    opts,
		creds:   map[string]azcore.TokenCredential{},
		clients: map[string]*azsecrets.Client{},
	}
}

// Resolve reads every ref from Key Vault, at most Parallelism at a time and
// each within Timeout. It returns the values it read, by ref ID, and, if any
// ref failed, a *ResolveError listing every failed ref with its cause.
func (kv *KeyVault) Resolve(ctx context.Context, refs []Ref) (map[string]string, error) {
	vals := make([]string, len(refs))
	errs := make([]*SecretError, len(refs))
	sem := make(chan struct{}, kv.opts.Parallelism)
	var wg sync.WaitGroup
	for i, r := range refs {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = canceled(r, ctx.Err())
				return
			}
			defer func() { <-sem }()
			vals[i], errs[i] = kv.resolve(ctx, r)
		})
	}
	wg.Wait()
	values := make(map[string]string, len(refs))
	var failed []*SecretError
	for i, r := range refs {
		if errs[i] != nil {
			failed = append(failed, errs[i])
			continue
		}
		values[r.ID] = vals[i]
	}
	return values, resolveErr(failed)
}

// GetSecret reads one secret by URL with the identity clientID ("" for the
// default identity; "[system]" and "system" are taken as "" too, so a
// KeyVault can serve registry credentials in az acr's terms), within
// Timeout. Registry credentials that are Key
// Vault references use it. A failure is a *SecretError.
func (kv *KeyVault) GetSecret(ctx context.Context, url, clientID string) (string, error) {
	v, se := kv.resolve(ctx, Ref{URL: url, ClientID: clientID})
	if se != nil {
		return "", se
	}
	return v, nil
}

// resolve reads one secret.
func (kv *KeyVault) resolve(ctx context.Context, r Ref) (string, *SecretError) {
	r.ClientID = normalizeClientID(r.ClientID)
	su, err := ParseOptions{AllowAnyHost: kv.opts.AllowAnyHost, AllowLoopback: kv.opts.AllowLoopback}.Parse(r.URL)
	if err != nil {
		return "", &SecretError{ID: r.ID, Kind: ErrBadURL, Detail: err.Error(), Err: err}
	}
	if err := ctx.Err(); err != nil {
		return "", canceled(r, err)
	}
	client, err := kv.client(su.VaultURL, r.ClientID)
	if err != nil {
		return "", &SecretError{ID: r.ID, URL: su.String(), Kind: ErrIdentity, Err: err,
			Detail: "cannot set up " + identityName(r.ClientID) + ": " + kv.summary(err)}
	}
	sctx, cancel := context.WithTimeout(ctx, kv.opts.Timeout)
	defer cancel()
	resp, err := client.GetSecret(sctx, su.Name, su.Version, nil)
	if err != nil {
		return "", kv.classify(ctx, sctx, r, su, err)
	}
	if resp.Value == nil {
		return "", &SecretError{ID: r.ID, URL: su.String(), Kind: ErrVault,
			Detail: su.VaultURL + " returned the secret without a value"}
	}
	kv.redact.Add(*resp.Value)
	return *resp.Value, nil
}

// client returns the cached client for vault and clientID.
func (kv *KeyVault) client(vault, clientID string) (*azsecrets.Client, error) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	key := vault + "\n" + clientID
	if c, ok := kv.clients[key]; ok {
		return c, nil
	}
	cred, ok := kv.creds[clientID]
	if !ok {
		newCred := kv.opts.Credential
		if newCred == nil {
			newCred = kv.defaultCredential
		}
		c, err := newCred(clientID)
		if err != nil {
			return nil, err
		}
		cred = &recordingCredential{cred: c, redact: &kv.redact}
		kv.creds[clientID] = cred
	}
	// A loopback emulator cannot be in its challenge resource's domain.
	noVerify := kv.opts.DisableChallengeResourceVerification || kv.opts.AllowLoopback && IsLoopbackVault(vault)
	c, err := azsecrets.NewClient(vault, cred, &azsecrets.ClientOptions{
		ClientOptions:                        kv.opts.ClientOptions,
		DisableChallengeResourceVerification: noVerify,
	})
	if err != nil {
		return nil, err
	}
	kv.clients[key] = c
	return c, nil
}

// defaultCredential is the credential used when KeyVaultOptions.Credential
// is nil.
func (kv *KeyVault) defaultCredential(clientID string) (azcore.TokenCredential, error) {
	if clientID == "" {
		return azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
			ClientOptions: kv.opts.ClientOptions,
		})
	}
	return azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{
		ClientOptions: kv.opts.ClientOptions,
		ID:            azidentity.ClientID(clientID),
	})
}

// recordingCredential remembers every token it hands out, so that error
// text can be scrubbed of them, and marks its failures as identity
// failures.
type recordingCredential struct {
	cred   azcore.TokenCredential
	redact *Masker
}

// GetToken implements azcore.TokenCredential.
func (c *recordingCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, err := c.cred.GetToken(ctx, opts)
	if err != nil {
		return tok, &tokenError{err: err}
	}
	c.redact.Add(tok.Token)
	return tok, nil
}

// tokenError marks an error of the identity, as opposed to the vault.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

// normalizeClientID maps the names az acr gives the system-assigned
// identity, "[system]" and "system", to "", the default identity.
func normalizeClientID(id string) string {
	if strings.EqualFold(id, "[system]") || strings.EqualFold(id, "system") {
		return ""
	}
	return id
}

// identityName names the identity of clientID in messages.
func identityName(clientID string) string {
	if clientID == "" {
		return "the default identity"
	}
	return "the managed identity with client ID " + clientID
}

// canceled is the error of a ref abandoned because ctx ended.
func canceled(r Ref, err error) *SecretError {
	return &SecretError{ID: r.ID, URL: redactURL(r.URL), Kind: err, Err: err,
		Detail: "not resolved: " + err.Error()}
}
