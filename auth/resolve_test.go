package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/retry"
)

func TestResolveIdentityLogin(t *testing.T) {
	f := newFakeAzure(t)
	cred := mustParse(t, "server="+f.host+",identity=[system]")
	logins, err := Resolve(context.Background(), []*Credential{cred}, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	b, ok, err := logins.Auth(context.Background(), f.host)
	if err != nil || !ok {
		t.Fatalf("Auth(%s) = %v, %v", f.host, ok, err)
	}
	if b.Username != ACRUsername || !f.acr.RefreshTokenValid(b.Password) {
		t.Errorf("login = user %q and a refresh token valid %v; want %s and a valid one", b.Username, f.acr.RefreshTokenValid(b.Password), ACRUsername)
	}
	ex := f.acr.Exchanges()
	if len(ex) != 1 || ex[0].GrantType != "access_token" || ex[0].Service != f.host || ex[0].Tenant != f.mi.Tenant {
		t.Errorf("exchanges = %+v; want one with service %s and tenant %s", ex, f.host, f.mi.Tenant)
	}
	r, _ := logins.Registry(f.host)
	if r.Source() != "managed identity (App Service)" {
		t.Errorf("Source() = %q", r.Source())
	}
	if got := logins.Secrets(); !slices.Equal(got, []string{b.Password}) {
		t.Errorf("Secrets() = %d values; want the refresh token", len(got))
	}
	if _, ok, _ := logins.Auth(context.Background(), "other.azurecr.io"); ok {
		t.Error("Auth(other registry): ok")
	}
}

func TestResolveUsesAADResourceID(t *testing.T) {
	f := newFakeAzure(t)
	cred := mustParse(t, `{"registry":"`+f.host+`","identity":"`+clientID+`","aadResourceId":"https://management.azure.com/"}`)
	if _, err := Resolve(context.Background(), []*Credential{cred}, f.opts()); err != nil {
		t.Fatal(err)
	}
	reqs := f.mi.Requests()
	if len(reqs) != 1 || reqs[0].Resource != "https://management.azure.com/" || reqs[0].ClientID != clientID {
		t.Errorf("MI requests = %+v; want one for ARM with client id %s", reqs, clientID)
	}
}

func TestRegistryRenewsBeforeExpiry(t *testing.T) {
	f := newFakeAzure(t)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	opts := f.opts()
	opts.Now = clock
	var seen []string
	opts.OnSecret = func(s string) { seen = append(seen, s) }
	logins, err := Resolve(context.Background(), []*Credential{mustParse(t, "server="+f.host+",identity=[system]")}, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first, _, _ := logins.Auth(ctx, f.host)

	// Refresh tokens last 3h; renewal starts 15 minutes before.
	advance(2*time.Hour + 44*time.Minute)
	if b, _, _ := logins.Auth(ctx, f.host); b != first || len(f.acr.Exchanges()) != 1 {
		t.Fatalf("renewed %v early (%d exchanges)", b != first, len(f.acr.Exchanges()))
	}
	advance(2 * time.Minute)
	second, _, err := logins.Auth(ctx, f.host)
	if err != nil {
		t.Fatal(err)
	}
	if second == first || len(f.acr.Exchanges()) != 2 || !f.acr.RefreshTokenValid(second.Password) {
		t.Fatalf("no renewal within 15 minutes of expiry (%d exchanges)", len(f.acr.Exchanges()))
	}
	if len(seen) != 2 || len(logins.Secrets()) != 2 {
		t.Errorf("OnSecret saw %d values, Secrets() has %d; want both refresh tokens", len(seen), len(logins.Secrets()))
	}

	// A failed renewal keeps a still-valid credential; an expired one is an error.
	// (The fake dates its tokens by the real clock, so go by ExpiresOn.)
	f.acr.RejectExchanges(http.StatusServiceUnavailable)
	r, _ := logins.Registry(f.host)
	advance(r.ExpiresOn().Sub(clock()) - time.Minute)
	if b, _, err := logins.Auth(ctx, f.host); err != nil || b != second {
		t.Errorf("failed renewal before expiry = %v; want the current credential", err)
	}
	advance(2 * time.Minute)
	if _, _, err := logins.Auth(ctx, f.host); err == nil {
		t.Error("failed renewal after expiry: no error")
	}
}

func TestRegistryAssumesAnHourForOpaqueRefreshTokens(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"refresh_token":"opaque-refresh-token"}`)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	now := time.Unix(1_000_000, 0)
	logins, err := Resolve(context.Background(), []*Credential{mustParse(t, "server="+host+",identity=[system]")}, ResolveOptions{
		NewTokenSource: func(string) (TokenSource, error) { return staticSource{}, nil },
		Exchanger:      &Exchanger{Scheme: "http"},
		Now:            func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := logins.Registry(host)
	if got := r.ExpiresOn(); !got.Equal(now.Add(time.Hour)) {
		t.Errorf("ExpiresOn() = %v; want an hour from now", got)
	}
}

type staticSource struct{}

func (staticSource) Token(context.Context, string) (Token, error) {
	return Token{Value: "aad", ExpiresOn: time.Now().Add(time.Hour), Source: "static"}, nil
}

func TestResolveRetriesAndReports(t *testing.T) {
	// A refused exchange (401) is not retried; a failing service is,
	// four attempts in all.
	for _, c := range []struct {
		status, attempts int
	}{{http.StatusUnauthorized, 1}, {http.StatusServiceUnavailable, 4}} {
		f := newFakeAzure(t)
		f.acr.RejectExchanges(c.status)
		_, err := Resolve(context.Background(), []*Credential{mustParse(t, "server="+f.host+",identity=[system]")}, f.opts())
		if err == nil {
			t.Fatalf("Resolve with a rejected identity (%d): no error", c.status)
		}
		if n := len(f.acr.Exchanges()); n != c.attempts {
			t.Errorf("%d: exchange attempts = %d; want %d", c.status, n, c.attempts)
		}
		var le *LoginError
		if !errors.As(err, &le) || le.Registry != f.host || le.StatusCode != c.status || le.Attempts != c.attempts {
			t.Fatalf("error = %v; want a LoginError for %s, status %d, %d attempts", err, f.host, c.status, c.attempts)
		}
		for _, want := range []string{f.host, "managed identity (App Service)", strconv.Itoa(c.status)} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %q", err, want)
			}
		}
		f.checkNoTokens(t, err.Error())
		if len(f.mi.Tokens()) == 0 {
			t.Error("the fake issued no tokens; the leak check proved nothing")
		}
	}
}

func TestResolveIdentityEndpointFailures(t *testing.T) {
	f := newFakeAzure(t)
	f.mi.FailWith(http.StatusBadRequest)
	creds := []*Credential{mustParse(t, "server="+f.host+",identity="+clientID)}
	_, err := Resolve(context.Background(), creds, f.opts())
	var le *LoginError
	if !errors.As(err, &le) || le.StatusCode != http.StatusBadRequest || le.Source != "managed identity (App Service)" {
		t.Fatalf("error = %v; want status 400 from the App Service identity", err)
	}
	if n := len(f.mi.Requests()); n != 4 {
		t.Errorf("identity requests = %d; want 4", n)
	}

	t.Setenv("IDENTITY_ENDPOINT", "http://127.0.0.1:1/unreachable")
	_, err = Resolve(context.Background(), creds, f.opts())
	if !errors.As(err, &le) || le.StatusCode != 0 || !strings.Contains(err.Error(), f.host) {
		t.Fatalf("unreachable endpoint: error = %v", err)
	}
	f.checkNoTokens(t, err.Error())
}

func TestDefaultBackoff(t *testing.T) {
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second}
	if got := defaultBackoff(); !reflect.DeepEqual(got, want) {
		t.Errorf("defaultBackoff() = %v; want %v", got, want)
	}
	calls := 0
	start := time.Now()
	n, err := retry.Do(context.Background(), []time.Duration{10 * time.Millisecond, 20 * time.Millisecond}, func(context.Context, int) error {
		calls++
		return errors.New("boom")
	})
	if n != 3 || calls != 3 || err == nil || time.Since(start) < 30*time.Millisecond {
		t.Errorf("retry = %d attempts, %v after %v; want 3 attempts, an error, >= 30ms", n, err, time.Since(start))
	}
	n, _ = retry.Do(context.Background(), []time.Duration{time.Hour}, func(context.Context, int) error {
		return retry.Permanent(errors.New("config"))
	})
	if n != 1 {
		t.Errorf("permanent error retried: %d attempts", n)
	}
}

// fakeVault is a SecretGetter over a map.
type fakeVault struct {
	mu       sync.Mutex
	secrets  map[string]string
	identity []string
}

func (v *fakeVault) GetSecret(_ context.Context, url, identity string) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.identity = append(v.identity, identity)
	s, ok := v.secrets[url]
	if !ok {
		return "", fmt.Errorf("secret %s not found", url)
	}
	return s, nil
}

func TestResolveBasicAndKeyVault(t *testing.T) {
	vault := &fakeVault{secrets: map[string]string{kvUser: "vault-user", kvPass: "vault-pass"}}
	creds := []*Credential{
		mustParse(t, "server=plain.io,username=u,password=p"),
		mustParse(t, "server=kv.io,username="+kvUser+",password="+kvPass+",identity="+clientID),
	}
	logins, err := Resolve(context.Background(), creds, ResolveOptions{Secrets: vault})
	if err != nil {
		t.Fatal(err)
	}
	if got := logins.Registries(); !slices.Equal(got, []string{"kv.io", "plain.io"}) {
		t.Errorf("Registries() = %v", got)
	}
	if b, _, _ := logins.Auth(context.Background(), "KV.io"); b != (Basic{"vault-user", "vault-pass"}) {
		t.Errorf("Key Vault login = %+v", b)
	}
	if !slices.Equal(vault.identity, []string{clientID, clientID}) {
		t.Errorf("vault read with identities %v; want %s twice", vault.identity, clientID)
	}
	got := logins.Secrets()
	slices.Sort(got)
	if !slices.Equal(got, []string{"p", "vault-pass", "vault-user"}) {
		t.Errorf("Secrets() = %v", got)
	}

	_, err = Resolve(context.Background(), creds[1:], ResolveOptions{})
	if err == nil || !strings.Contains(err.Error(), "kv.io") || !strings.Contains(err.Error(), "no secret resolver") {
		t.Errorf("Key Vault without a resolver: error = %v", err)
	}
	var le *LoginError
	if errors.As(err, &le) && le.Attempts != 1 {
		t.Errorf("missing resolver retried: %d attempts", le.Attempts)
	}

	stdin := mustParse(t, "server=s.io,username=u,password-stdin")
	if _, err := Resolve(context.Background(), []*Credential{stdin}, ResolveOptions{}); err == nil || !strings.Contains(err.Error(), "stdin") {
		t.Errorf("unread stdin password: error = %v", err)
	}
	dup := []*Credential{creds[0], mustParse(t, "server=PLAIN.io,username=x,password=y")}
	if _, err := Resolve(context.Background(), dup, ResolveOptions{}); err == nil || !strings.Contains(err.Error(), "two credentials") {
		t.Errorf("duplicate registry: error = %v", err)
	}
}

func TestResolveReportsEveryFailure(t *testing.T) {
	creds := []*Credential{
		mustParse(t, "server=a.io,username=u,password-stdin"),
		mustParse(t, "server=b.io,username=u,password=p"),
		mustParse(t, "server=c.io,username=u,password=https://v.vault.azure.net/secrets/p,identity=[system]"),
	}
	_, err := Resolve(context.Background(), creds, ResolveOptions{Parallelism: 1})
	if err == nil || !strings.Contains(err.Error(), "a.io") || !strings.Contains(err.Error(), "c.io") || strings.Contains(err.Error(), "b.io") {
		t.Errorf("error = %v; want failures for a.io and c.io only", err)
	}
}

func TestDockerConfig(t *testing.T) {
	creds := []*Credential{
		mustParse(t, "server=r.azurecr.io,username=u,password=p:w"),
		mustParse(t, "server=docker.io,username=hub,password=h"),
	}
	logins, err := Resolve(context.Background(), creds, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ls []DockerLogin
	for _, r := range logins.Registries() {
		b, _, err := logins.Auth(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, DockerLogin{Registry: r, Username: b.Username, Password: b.Password})
	}
	raw, err := DockerConfig(ls)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Auths       map[string]map[string]string `json:"auths"`
		HTTPHeaders map[string]string            `json:"HttpHeaders"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	want := map[string]map[string]string{
		"r.azurecr.io":                {"auth": b64("u:p:w")},
		"https://index.docker.io/v1/": {"auth": b64("hub:h")},
	}
	if !reflect.DeepEqual(cfg.Auths, want) || cfg.HTTPHeaders["X-Meta-Source-Client"] != "azure/acr/tasks" {
		t.Errorf("DockerConfig() = %s", raw)
	}
}
