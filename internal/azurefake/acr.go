package azurefake

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

// ACRUsername is the fixed user name ACR expects with a refresh token.
const ACRUsername = "00000000-0000-0000-0000-000000000000"

// ACRAudiences are the Entra ID token audiences the fake token service
// accepts in an exchange, as ACR does: the registry audience and ARM.
var ACRAudiences = []string{
	"https://containerregistry.azure.net",
	"https://management.azure.com/",
	"https://management.azure.com",
}

// Exchange is one POST /oauth2/exchange the fake token service received.
type Exchange struct {
	GrantType string
	Service   string
	Tenant    string
	Status    int // the status code it answered with
}

// ACRTokenService is an http.Handler that puts ACR's token authentication
// in front of go-containerregistry's in-process registry:
//
//   - /v2/... without a bearer token it issued answers 401 with
//     WWW-Authenticate: Bearer realm="http://HOST/oauth2/token",service="HOST".
//   - POST /oauth2/exchange (form grant_type=access_token, service, tenant,
//     access_token) trades an Entra ID token accepted by Validate for
//     {"refresh_token"}, a JWT-shaped token that expires after RefreshTTL.
//   - GET or POST /oauth2/token trades a refresh token (form
//     grant_type=refresh_token&refresh_token=..., or basic auth with user
//     ACRUsername and the refresh token as password) for {"access_token"}.
//
// HOST is the Host header of the request. Scopes are not enforced. An
// ACRTokenService is safe for concurrent use.
type ACRTokenService struct {
	validate func(aadToken string) bool
	registry http.Handler

	mu           sync.Mutex
	refreshTTL   time.Duration
	rejectStatus int
	refresh      map[string]time.Time // refresh token -> expiry
	access       map[string]time.Time // access token -> expiry
	exchanges    []Exchange
	tokenCalls   int
}

// NewACRTokenService returns the handler. validate decides whether an Entra
// ID access token presented to /oauth2/exchange was issued by the identity
// provider the test trusts, typically (*ManagedIdentity).Issued.
func NewACRTokenService(validate func(aadToken string) bool) *ACRTokenService {
	return &ACRTokenService{
		validate:   validate,
		registry:   registry.New(registry.Logger(log.New(io.Discard, "", 0))),
		refreshTTL: 3 * time.Hour,
		refresh:    map[string]time.Time{},
		access:     map[string]time.Time{},
	}
}

// StartACR serves a new ACRTokenService trusting the tokens of mi on
// 127.0.0.1 until the test ends, and returns it with its host:port.
func StartACR(t testing.TB, mi *ManagedIdentity) (*ACRTokenService, string) {
	t.Helper()
	a := NewACRTokenService(mi.Issued)
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return a, strings.TrimPrefix(srv.URL, "http://")
}

// SetRefreshTTL changes the lifetime of refresh tokens issued from now on.
func (a *ACRTokenService) SetRefreshTTL(d time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refreshTTL = d
}

// RejectExchanges makes /oauth2/exchange answer with status code (for
// example 401 for an identity without a role on the registry); 0 restores
// normal answers.
func (a *ACRTokenService) RejectExchanges(code int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rejectStatus = code
}

// Exchanges returns a copy of the exchange requests received so far.
func (a *ACRTokenService) Exchanges() []Exchange {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Exchange(nil), a.exchanges...)
}

// TokenCalls returns how many access tokens /oauth2/token has issued.
func (a *ACRTokenService) TokenCalls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tokenCalls
}

// Tokens returns every refresh and access token issued so far, so tests can
// check that none leaks into messages.
func (a *ACRTokenService) Tokens() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.refresh)+len(a.access))
	for tok := range a.refresh {
		out = append(out, tok)
	}
	for tok := range a.access {
		out = append(out, tok)
	}
	return out
}

// RefreshTokenValid reports whether token is a refresh token this service
// issued that has not expired.
func (a *ACRTokenService) RefreshTokenValid(token string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return valid(a.refresh, token)
}

// ServeHTTP implements http.Handler.
func (a *ACRTokenService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/oauth2/exchange":
		a.serveExchange(w, r)
	case r.URL.Path == "/oauth2/token":
		a.serveToken(w, r)
	case r.URL.Path == "/v2" || strings.HasPrefix(r.URL.Path, "/v2/"):
		a.serveRegistry(w, r)
	default:
		writeACRError(w, http.StatusNotFound, "NOT_FOUND", "not found")
	}
}

func (a *ACRTokenService) serveExchange(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeACRError(w, http.StatusMethodNotAllowed, "UNSUPPORTED", "method not allowed")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeACRError(w, http.StatusBadRequest, "BAD_REQUEST", "bad form")
		return
	}
	ex := Exchange{GrantType: r.PostForm.Get("grant_type"), Service: r.PostForm.Get("service"), Tenant: r.PostForm.Get("tenant")}
	code := a.checkExchange(r, ex)

	a.mu.Lock()
	defer a.mu.Unlock()
	if a.rejectStatus != 0 {
		code = a.rejectStatus
	}
	ex.Status = code
	a.exchanges = append(a.exchanges, ex)
	if code != http.StatusOK {
		writeACRError(w, code, "UNAUTHORIZED", "exchange refused")
		return
	}
	exp := time.Now().Add(a.refreshTTL)
	token := JWT(map[string]any{"iss": "Azure Container Registry", "aud": r.Host, "grant_type": "refresh_token", "exp": exp.Unix(), "jti": NewGUID()})
	a.refresh[token] = exp
	writeJSON(w, http.StatusOK, map[string]string{"refresh_token": token})
}

// checkExchange validates an exchange request the way ACR does, as far as a
// fake can: grant type, service, and an Entra ID token for an accepted
// audience from the trusted issuer.
func (a *ACRTokenService) checkExchange(r *http.Request, ex Exchange) int {
	if ex.GrantType != "access_token" || ex.Service != r.Host {
		return http.StatusBadRequest
	}
	aad := r.PostForm.Get("access_token")
	if aad == "" || !a.validate(aad) {
		return http.StatusUnauthorized
	}
	claims, err := Claims(aad)
	if err != nil {
		return http.StatusUnauthorized
	}
	aud, _ := claims["aud"].(string)
	for _, ok := range ACRAudiences {
		if aud == ok {
			return http.StatusOK
		}
	}
	return http.StatusUnauthorized
}

func (a *ACRTokenService) serveToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeACRError(w, http.StatusBadRequest, "BAD_REQUEST", "bad form")
		return
	}
	var refresh string
	if user, pass, ok := r.BasicAuth(); ok && user == ACRUsername {
		refresh = pass
	} else if r.Form.Get("grant_type") == "refresh_token" {
		refresh = r.Form.Get("refresh_token")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !valid(a.refresh, refresh) {
		writeACRError(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
		return
	}
	exp := time.Now().Add(75 * time.Minute)
	token := JWT(map[string]any{"iss": "Azure Container Registry", "aud": r.Host, "access": r.Form.Get("scope"), "exp": exp.Unix(), "jti": NewGUID()})
	a.access[token] = exp
	a.tokenCalls++
	writeJSON(w, http.StatusOK, map[string]string{"access_token": token})
}

func (a *ACRTokenService) serveRegistry(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	a.mu.Lock()
	ok = ok && valid(a.access, token)
	a.mu.Unlock()
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="http://`+r.Host+`/oauth2/token",service="`+r.Host+`"`)
		writeACRError(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
		return
	}
	a.registry.ServeHTTP(w, r)
}

func valid(tokens map[string]time.Time, token string) bool {
	exp, ok := tokens[token]
	return ok && token != "" && time.Now().Before(exp)
}

func writeACRError(w http.ResponseWriter, code int, errCode, msg string) {
	writeJSON(w, code, map[string]any{"errors": []map[string]string{{"code": errCode, "message": msg}}})
}
