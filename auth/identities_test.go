package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/acb-dev/acb/internal/azurefake"
)

// TestIdentitiesShareOneSource checks that [system] (however spelled) is
// one token source for Key Vault (Credential) and registry logins (Source),
// and that the answering credential is named once. Not parallel: it sets
// the environment.
func TestIdentitiesShareOneSource(t *testing.T) {
	azurefake.ClearEnv(t)
	mi := azurefake.NewManagedIdentity(t)
	mi.SetEnv(t)
	var named []string
	ids := NewIdentities(TokenSourceOptions{}, func(identity, source string) { named = append(named, identity+"="+source) })
	a, err := ids.Source(SystemIdentity)
	if err != nil {
		t.Fatal(err)
	}
	for _, spelling := range []string{"", "system", "[SYSTEM]"} {
		if b, err := ids.Source(spelling); err != nil || b != a {
			t.Errorf("Source(%q) is another source (%v)", spelling, err)
		}
	}
	if _, err := ids.Source("not-a-guid"); err == nil {
		t.Error("a bad identity was accepted")
	}
	ctx := context.Background()
	cred, err := ids.Credential("")
	if err != nil {
		t.Fatal(err)
	}
	at, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://vault.azure.net/.default"}})
	if err != nil || !mi.Issued(at.Token) || at.ExpiresOn.IsZero() {
		t.Fatalf("Key Vault token: %v", err)
	}
	tok, err := a.Token(ctx, "https://containerregistry.azure.net")
	if err != nil || !mi.Issued(tok.Value) {
		t.Fatalf("registry token: %v", err)
	}
	if want := SystemIdentity + "=managed identity (App Service)"; strings.Join(named, ",") != want {
		t.Errorf("sources named %q, want %q once", named, want)
	}
}
