package azurefake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestManagedIdentityProtocol(t *testing.T) {
	mi := NewManagedIdentity(t)
	get := func(header, query string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, mi.URL+"?"+query, nil)
		req.Header.Set("X-IDENTITY-HEADER", header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}

	resp := get(mi.Secret, "api-version=2019-08-01&resource=https://containerregistry.azure.net&client_id=abc")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d; want 200", resp.StatusCode)
	}
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"access_token", "expires_on", "resource", "token_type"} {
		if body[k] == "" {
			t.Errorf("answer has no %s: %v", k, body)
		}
	}
	claims, err := Claims(body["access_token"])
	if err != nil {
		t.Fatal(err)
	}
	if claims["tid"] != mi.Tenant || claims["oid"] != mi.ObjectID("abc") || claims["aud"] != "https://containerregistry.azure.net" {
		t.Errorf("claims = %v", claims)
	}
	if !mi.Issued(body["access_token"]) || mi.Issued("other") {
		t.Error("Issued does not track tokens")
	}
	if r := mi.Requests(); len(r) != 1 || r[0].ClientID != "abc" || r[0].APIVersion != "2019-08-01" {
		t.Errorf("Requests() = %+v", r)
	}

	if resp := get("wrong", "api-version=2019-08-01&resource=x"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong header: status = %d; want 401", resp.StatusCode)
	}
	mi.FailWith(http.StatusServiceUnavailable)
	if resp := get(mi.Secret, "api-version=2019-08-01&resource=x"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("FailWith: status = %d; want 503", resp.StatusCode)
	}
}

func TestACRTokenServiceChallengeAndExchange(t *testing.T) {
	mi := NewManagedIdentity(t)
	_, host := StartACR(t, mi)
	base := "http://" + host

	resp, err := http.Get(base + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := `Bearer realm="http://` + host + `/oauth2/token",service="` + host + `"`
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != want {
		t.Fatalf("/v2/ = %d %q; want 401 %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), want)
	}

	forged := JWT(map[string]any{"aud": "https://containerregistry.azure.net", "tid": mi.Tenant})
	resp, err = http.PostForm(base+"/oauth2/exchange", url.Values{"grant_type": {"access_token"}, "service": {host}, "access_token": {forged}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("exchange of a forged token: status = %d; want 401", resp.StatusCode)
	}
}

func TestACRTokenServiceRejectsUnknownBearer(t *testing.T) {
	a := NewACRTokenService(func(string) bool { return true })
	req := httptest.NewRequest(http.MethodGet, "http://r.example/v2/", nil)
	req.Header.Set("Authorization", "Bearer "+JWT(map[string]any{"exp": 1}))
	w := httptest.NewRecorder()
	a.ServeHTTP(w, req)
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Header().Get("WWW-Authenticate"), `service="r.example"`) {
		t.Errorf("unknown bearer: %d %q; want 401 with challenge", w.Code, w.Header().Get("WWW-Authenticate"))
	}
}
