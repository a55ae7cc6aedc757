package secrets_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/acb-dev/acb/internal/azurefake"
	"github.com/acb-dev/acb/secrets"
)

// The tests of this file set environment variables (the fake managed
// identity endpoint): none may run in parallel.

// fakeAzure starts a fake Key Vault that accepts the tokens of a fake
// managed-identity endpoint, and points azidentity at that endpoint.
func fakeAzure(t *testing.T) (*azurefake.KeyVault, *azurefake.ManagedIdentity) {
	t.Helper()
	mi := azurefake.NewManagedIdentity(t)
	mi.SetEnv(t)
	// Keep DefaultAzureCredential on the managed identity, whatever the
	// machine's environment says.
	for _, k := range []string{"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_TOKEN_CREDENTIALS"} {
		t.Setenv(k, "") // restores the variable at the end of the test
		os.Unsetenv(k)
	}
	kv := azurefake.NewKeyVault(t)
	kv.AllowManagedIdentity(mi)
	return kv, mi
}

// testOptions returns KeyVaultOptions for the fake vault kv: its transport,
// no retries, and no check of the challenge resource.
func testOptions(kv *azurefake.KeyVault) secrets.KeyVaultOptions {
	return secrets.KeyVaultOptions{
		ClientOptions: azcore.ClientOptions{
			Transport: kv.Client(),
			Retry:     policy.RetryOptions{MaxRetries: -1},
		},
		DisableChallengeResourceVerification: true,
		AllowAnyHost:                         true,
	}
}

func TestKeyVaultResolve(t *testing.T) {
	kv, mi := fakeAzure(t)
	v1 := kv.Set("db-password", "", "old$ecret`value")
	kv.Set("db-password", "", "new-secret-value")
	kv.Set("token", "", "line one\nline two\n")

	r := secrets.NewKeyVault(testOptions(kv))
	refs := []secrets.Ref{
		{ID: "latest", URL: kv.SecretURL("db-password", "")},
		{ID: "pinned", URL: kv.SecretURL("db-password", v1)},
		{ID: "user", URL: kv.SecretURL("token", ""), ClientID: "11111111-2222-3333-4444-555555555555"},
	}
	got, err := r.Resolve(context.Background(), refs)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	want := map[string]string{"latest": "new-secret-value", "pinned": "old$ecret`value", "user": "line one\nline two\n"}
	if len(got) != len(want) {
		t.Errorf("Resolve = %d values; want %d", len(got), len(want))
	}
	for id, v := range want {
		if got[id] != v {
			t.Errorf("Resolve[%s] = %q; want %q", id, got[id], v)
		}
	}

	// The default identity and the user-assigned one both reached the
	// managed-identity endpoint, for the vault's resource.
	clients := map[string]bool{}
	for _, req := range mi.Requests() {
		clients[req.ClientID] = true
		if req.Resource != azurefake.KeyVaultResource {
			t.Errorf("token requested for resource %q; want %q", req.Resource, azurefake.KeyVaultResource)
		}
	}
	if !clients[""] || !clients["11111111-2222-3333-4444-555555555555"] {
		t.Errorf("managed-identity requests came from client IDs %v; want the system one and the user-assigned one", clients)
	}

	// GetSecret, with az acr's name for the system-assigned identity.
	v, err := r.GetSecret(context.Background(), kv.SecretURL("token", ""), "[system]")
	if err != nil || v != want["user"] {
		t.Errorf("GetSecret = %q, %v", v, err)
	}
	_, err = r.GetSecret(context.Background(), kv.SecretURL("nope", ""), "")
	var se *secrets.SecretError
	if !errors.As(err, &se) || !errors.Is(err, secrets.ErrNotFound) || !strings.Contains(err.Error(), `no secret "nope"`) {
		t.Errorf("GetSecret(missing) = %v; want a *SecretError for ErrNotFound", err)
	}
}

// failingCredential fails every token request.
type failingCredential struct{}

func (failingCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, errors.New("AADSTS700016: application not found in the directory")
}

func TestKeyVaultErrors(t *testing.T) {
	kv, mi := fakeAzure(t)
	kv.Set("ok", "", "the-good-value")
	kv.Set("private", "", "forbidden-value")
	kv.Set("versioned", "", "versioned-value")
	const denied = "99999999-0000-0000-0000-000000000000"
	kv.Deny(mi.ObjectID(denied))

	slow := azurefake.NewKeyVault(t)
	slow.AllowManagedIdentity(mi)
	slow.Set("slow", "", "slow-value")
	slow.SetDelay(time.Minute)

	gone := httptest.NewTLSServer(nil)
	goneURL := gone.URL
	gone.Close()

	opts := testOptions(kv)
	opts.Timeout = 2 * time.Second
	opts.Credential = func(clientID string) (azcore.TokenCredential, error) {
		switch clientID {
		case "broken":
			return failingCredential{}, nil
		case "nocred":
			return nil, errors.New("no identity configured here")
		}
		o := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: opts.ClientOptions}
		if clientID != "" {
			o.ID = azidentity.ClientID(clientID)
		}
		return azidentity.NewManagedIdentityCredential(o)
	}
	// kv.Client() trusts slow too: httptest TLS servers share one
	// certificate.
	r := secrets.NewKeyVault(opts)

	refs := []secrets.Ref{
		{ID: "good", URL: kv.SecretURL("ok", "")},
		{ID: "forbidden", URL: kv.SecretURL("private", ""), ClientID: denied},
		{ID: "missing", URL: kv.SecretURL("absent", "")},
		{ID: "badversion", URL: kv.SecretURL("versioned", "00000000000000000000000000000000")},
		{ID: "badurl", URL: "http://kv.vault.azure.net/secrets/x"},
		{ID: "unreachable", URL: goneURL + "/secrets/x"},
		{ID: "timeout", URL: slow.SecretURL("slow", "")},
		{ID: "identity", URL: kv.SecretURL("ok", ""), ClientID: "broken"},
		{ID: "nocred", URL: kv.SecretURL("ok", ""), ClientID: "nocred"},
	}
	start := time.Now()
	got, err := r.Resolve(context.Background(), refs)
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("Resolve took %s; the timeout is 2s", d)
	}
	if len(got) != 1 || got["good"] != "the-good-value" {
		t.Errorf("Resolve values = %v; want only good", got)
	}
	var re *secrets.ResolveError
	if !errors.As(err, &re) {
		t.Fatalf("Resolve error = %v; want a *ResolveError", err)
	}
	msg := err.Error()
	t.Logf("error:\n%s", msg)
	want := []struct {
		id   string
		kind error
		text string
	}{
		{"forbidden", secrets.ErrForbidden, `lacks "get" permission`},
		{"missing", secrets.ErrNotFound, `has no secret "absent"`},
		{"badversion", secrets.ErrNotFound, `with version "00000000000000000000000000000000"`},
		{"badurl", secrets.ErrBadURL, "the scheme must be https"},
		{"unreachable", secrets.ErrUnreachable, "is unreachable"},
		{"timeout", secrets.ErrTimeout, "did not answer within 2s"},
		{"identity", secrets.ErrIdentity, "could not get a token"},
		{"nocred", secrets.ErrIdentity, "no identity configured here"},
	}
	if len(re.Errors) != len(want) {
		t.Errorf("%d unresolved secrets listed; want %d", len(re.Errors), len(want))
	}
	for i, w := range want {
		if i >= len(re.Errors) {
			break
		}
		se := re.Errors[i]
		if se.ID != w.id || !errors.Is(se, w.kind) || !strings.Contains(se.Error(), w.text) {
			t.Errorf("error %d = %q (kind %v); want secret %q, kind %v, text %q", i, se, se.Kind, w.id, w.kind, w.text)
		}
		if !strings.Contains(msg, `secret "`+w.id+`"`) {
			t.Errorf("the error does not list secret %q", w.id)
		}
		if !errors.Is(err, w.kind) {
			t.Errorf("errors.Is(err, %v) = false", w.kind)
		}
	}
	if !strings.HasPrefix(msg, "unable to resolve 8 secrets:") {
		t.Errorf("error starts %q", strings.SplitN(msg, "\n", 2)[0])
	}
	// No secret value, and no token, in the error.
	leaks := append([]string{"the-good-value", "forbidden-value", "versioned-value", "slow-value"}, mi.Tokens()...)
	if len(mi.Tokens()) == 0 {
		t.Error("the fake identity issued no token")
	}
	for _, s := range leaks {
		if strings.Contains(msg, s) {
			t.Errorf("the error shows %q", s)
		}
	}
}

func TestKeyVaultParallelism(t *testing.T) {
	kv, _ := fakeAzure(t)
	kv.SetDelay(100 * time.Millisecond)
	var refs []secrets.Ref
	for _, id := range strings.Fields("a b c d e f g h i j") {
		kv.Set(id, "", "value-"+id)
		refs = append(refs, secrets.Ref{ID: id, URL: kv.SecretURL(id, "")})
	}
	opts := testOptions(kv)
	opts.Parallelism = 3
	got, err := secrets.NewKeyVault(opts).Resolve(context.Background(), refs)
	if err != nil || len(got) != len(refs) {
		t.Fatalf("Resolve = %d values, %v", len(got), err)
	}
	if n := kv.MaxConcurrent(); n > 3 || n < 2 {
		t.Errorf("the vault served %d requests at once; want 2 or 3 (Parallelism 3)", n)
	}
}

func TestKeyVaultCanceled(t *testing.T) {
	kv, _ := fakeAzure(t)
	kv.Set("a", "", "value-a")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := secrets.NewKeyVault(testOptions(kv)).Resolve(ctx, []secrets.Ref{{ID: "a", URL: kv.SecretURL("a", "")}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Resolve(canceled) = %v; want context.Canceled", err)
	}
}

func TestKeyVaultIdentityEndpointFails(t *testing.T) {
	kv, mi := fakeAzure(t)
	kv.Set("a", "", "value-a")
	mi.FailWith(http.StatusBadRequest)
	_, err := secrets.NewKeyVault(testOptions(kv)).GetSecret(context.Background(), kv.SecretURL("a", ""), "22222222-0000-0000-0000-000000000000")
	if !errors.Is(err, secrets.ErrIdentity) {
		t.Fatalf("GetSecret = %v; want ErrIdentity", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "could not get a token") || strings.Contains(msg, "\n") {
		t.Errorf("GetSecret error = %q; want one line about the token", msg)
	}
}
