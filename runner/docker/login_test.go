package docker_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/auth"
	"github.com/acb-dev/acb/internal/azurefake"
	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/engine"
)

// TestLoginBasic checks the engine's /auth against an htpasswd registry:
// the right password logs in, a wrong one fails naming the status, and the
// password never appears in the error.
func TestLoginBasic(t *testing.T) {
	t.Parallel()
	e := testenv.Engine(t)
	ctx := testenv.Context(t, time.Minute)
	reg := testenv.DistributionRegistry(t, testenv.DistributionOptions{Username: "acbuser", Password: "right-pass-4711"})
	if err := e.Login(ctx, engine.RegistryAuth{Username: "acbuser", Password: "right-pass-4711", ServerAddress: reg}); err != nil {
		t.Fatalf("login: %v", err)
	}
	err := e.Login(ctx, engine.RegistryAuth{Username: "acbuser", Password: "wrong-pass-0815", ServerAddress: reg})
	if err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, reg) || !strings.Contains(msg, "401") || strings.Contains(msg, "wrong-pass-0815") {
		t.Errorf("error: %v", err)
	}
}

// TestLoginACRRefreshToken logs in to a fake ACR with ACR's user name and a
// refresh token: the engine follows the Bearer challenge to /oauth2/token.
func TestLoginACRRefreshToken(t *testing.T) {
	t.Parallel()
	e := testenv.Engine(t)
	ctx := testenv.Context(t, time.Minute)
	mi := azurefake.NewManagedIdentity(t)
	acr, reg := azurefake.StartACR(t, mi)
	// An Entra ID token from the fake identity, then a refresh token.
	aad := miToken(t, ctx, mi)
	refresh, err := (&auth.Exchanger{}).Exchange(ctx, reg, mi.Tenant, aad)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if err := e.Login(ctx, engine.RegistryAuth{Username: azurefake.ACRUsername, Password: refresh, ServerAddress: reg}); err != nil {
		t.Fatalf("login: %v", err)
	}
	if acr.TokenCalls() == 0 {
		t.Error("the engine did not ask the token service")
	}
	err = e.Login(ctx, engine.RegistryAuth{Username: azurefake.ACRUsername, Password: "not-a-token", ServerAddress: reg})
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("login with a bad refresh token: %v", err)
	}
}

// miToken asks the fake App Service identity endpoint for a registry token.
func miToken(t *testing.T, ctx context.Context, mi *azurefake.ManagedIdentity) string {
	t.Helper()
	u := mi.URL + "?api-version=2019-08-01&resource=" + url.QueryEscape("https://containerregistry.azure.net")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-IDENTITY-HEADER", mi.Secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("identity answer %d: %v", resp.StatusCode, err)
	}
	return body.AccessToken
}
