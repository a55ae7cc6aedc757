package auth

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/acb-dev/acb/internal/azurefake"
)

func TestTokenSourceSystemAndClientID(t *testing.T) {
	f := newFakeAzure(t)
	ctx := context.Background()

	sys, err := NewTokenSource("[system]", noRetry())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := sys.Token(ctx, DefaultResource)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Source != "managed identity (App Service)" || !f.mi.Issued(tok.Value) || tok.ExpiresOn.IsZero() {
		t.Errorf("system token = source %q, issued %v, expires %v", tok.Source, f.mi.Issued(tok.Value), tok.ExpiresOn)
	}
	if tid := tenantOf(tok.Value); tid != f.mi.Tenant {
		t.Errorf("tenant = %q; want %q", tid, f.mi.Tenant)
	}

	user, err := NewTokenSource(strings.ToUpper(clientID), noRetry())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := user.Token(ctx, "https://management.azure.com/"); err != nil {
		t.Fatal(err)
	}

	reqs := f.mi.Requests()
	if len(reqs) != 2 {
		t.Fatalf("MI requests = %+v; want 2", reqs)
	}
	if reqs[0].ClientID != "" || reqs[0].Resource != DefaultResource || reqs[0].Header != f.mi.Secret {
		t.Errorf("system request = %+v; want no client_id, resource %s and the identity header", reqs[0], DefaultResource)
	}
	if reqs[1].ClientID != clientID || reqs[1].Resource != "https://management.azure.com/" {
		t.Errorf("user-assigned request = %+v; want client_id %s", reqs[1], clientID)
	}

	if _, err := NewTokenSource("not-a-guid", noRetry()); err == nil {
		t.Error("NewTokenSource(not-a-guid): no error")
	}
}

func TestTokenSourceErrors(t *testing.T) {
	f := newFakeAzure(t)
	f.mi.FailWith(http.StatusInternalServerError)
	ts, err := NewTokenSource(clientID, noRetry())
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.Token(context.Background(), DefaultResource)
	var ie *IdentityError
	if !errors.As(err, &ie) || ie.StatusCode != http.StatusInternalServerError || ie.Source != "managed identity (App Service)" {
		t.Fatalf("error = %#v; want an IdentityError with status 500 from the App Service identity", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error spans lines: %q", err)
	}

	// An identity endpoint nobody listens on.
	t.Setenv("IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi/token")
	ts, err = NewTokenSource(SystemIdentity, noRetry())
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.Token(context.Background(), DefaultResource)
	if !errors.As(err, &ie) || ie.StatusCode != 0 || ie.Source != "managed identity (App Service)" {
		t.Fatalf("unreachable endpoint: error = %v", err)
	}
}

// imdsBlocker is a transport that refuses the IMDS address, so that no test
// sends traffic off the machine, and passes everything else on.
type imdsBlocker struct {
	mu    sync.Mutex
	tries int
}

func (b *imdsBlocker) Do(r *http.Request) (*http.Response, error) {
	if r.URL.Hostname() == "169.254.169.254" {
		b.mu.Lock()
		b.tries++
		b.mu.Unlock()
		return nil, errors.New("test: IMDS is not reachable")
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestTokenSourceDefaultChainNamesTheSource(t *testing.T) {
	azurefake.ClearEnv(t)
	// A fake Azure CLI answering `az account get-access-token -o json --resource R`.
	dir := t.TempDir()
	token := azurefake.JWT(map[string]any{"tid": azurefake.NewGUID(), "aud": DefaultResource})
	script := "#!/bin/sh\necho \"$@\" >> '" + filepath.Join(dir, "args") + "'\n" +
		"echo '{\"accessToken\":\"" + token + "\",\"expires_on\":'$(( $(date +%s) + 600 ))',\"tokenType\":\"Bearer\"}'\n"
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))

	blocker := &imdsBlocker{}
	ts, err := NewTokenSource(SystemIdentity, TokenSourceOptions{ClientOptions: azcore.ClientOptions{
		Transport: blocker, Retry: policy.RetryOptions{MaxRetries: -1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		tok, err := ts.Token(context.Background(), DefaultResource)
		if err != nil {
			t.Fatal(err)
		}
		if tok.Value != token || tok.Source != "Azure CLI" {
			t.Errorf("token from %q; want the fake CLI's token from \"Azure CLI\"", tok.Source)
		}
	}
	if blocker.tries != 1 {
		t.Errorf("IMDS probes = %d; want 1 (then the chain sticks to the CLI)", blocker.tries)
	}
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	if !strings.Contains(string(args), "--resource "+DefaultResource) {
		t.Errorf("az arguments = %q; want --resource %s", args, DefaultResource)
	}
}
