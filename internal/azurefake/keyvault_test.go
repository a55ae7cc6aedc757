package azurefake

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

func TestKeyVaultProtocol(t *testing.T) {
	t.Parallel()
	kv := NewKeyVault(t)
	v1 := kv.Set("db", "", "first")
	kv.Set("db", "v2", "second")
	kv.Allow("good-token", "id-good")
	kv.Allow("bad-token", "id-bad")
	kv.Deny("id-bad")

	get := func(path, token string) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, kv.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := kv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("GET %s: body: %v", path, err)
		}
		return resp, body
	}
	errCode := func(body map[string]any) string {
		e, _ := body["error"].(map[string]any)
		code, _ := e["code"].(string)
		return code
	}

	resp, body := get("/secrets/db?api-version=7.6", "")
	wantChallenge := `Bearer authorization="https://login.microsoftonline.com/` + kv.Tenant + `", resource="https://vault.azure.net"`
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != wantChallenge || errCode(body) != "Unauthorized" {
		t.Errorf("no token: %d %q %v", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
	}
	if resp, _ := get("/secrets/db?api-version=7.6", "unknown-token"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown token: status %d; want 401", resp.StatusCode)
	}
	resp, body = get("/secrets/db/?api-version=7.6", "good-token")
	if resp.StatusCode != http.StatusOK || body["value"] != "second" || body["id"] != kv.URL+"/secrets/db/v2" || body["attributes"] == nil {
		t.Errorf("current version: %d %v", resp.StatusCode, body)
	}
	if _, body := get("/secrets/DB/"+v1+"?api-version=7.6", "good-token"); body["value"] != "first" {
		t.Errorf("pinned version: %v", body)
	}
	if resp, body := get("/secrets/db?api-version=7.6", "bad-token"); resp.StatusCode != http.StatusForbidden || errCode(body) != "Forbidden" {
		t.Errorf("denied identity: %d %v", resp.StatusCode, body)
	}
	for _, p := range []string{"/secrets/nope", "/secrets/db/v9"} {
		if resp, body := get(p+"?api-version=7.6", "good-token"); resp.StatusCode != http.StatusNotFound || errCode(body) != "SecretNotFound" {
			t.Errorf("%s: %d %v", p, resp.StatusCode, body)
		}
	}
	if got := kv.SecretURL("db", "v2"); got != kv.URL+"/secrets/db/v2" {
		t.Errorf("SecretURL = %q", got)
	}
	if kv.Requests() != 7 {
		t.Errorf("Requests() = %d; want 7", kv.Requests())
	}
}

// staticToken is a credential with a fixed token.
type staticToken string

func (s staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(s), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestKeyVaultWithAzsecrets(t *testing.T) {
	t.Parallel()
	kv := NewKeyVault(t)
	kv.Set("api-key", "", "s3cr3t")
	kv.Allow("tok", "me")
	client, err := azsecrets.NewClient(kv.URL, staticToken("tok"), &azsecrets.ClientOptions{
		ClientOptions:                        azcore.ClientOptions{Transport: kv.Client()},
		DisableChallengeResourceVerification: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.GetSecret(context.Background(), "api-key", "", nil)
	if err != nil || resp.Value == nil || *resp.Value != "s3cr3t" || resp.ID.Name() != "api-key" {
		t.Fatalf("GetSecret = %+v, %v", resp, err)
	}
	if n := kv.MaxConcurrent(); n != 1 {
		t.Errorf("MaxConcurrent() = %d; want 1", n)
	}
	kv.Deny("tok")
	_, err = client.GetSecret(context.Background(), "api-key", "", nil)
	if err == nil || !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("GetSecret after Deny = %v; want 403 Forbidden", err)
	}
}
