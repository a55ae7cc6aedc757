package identity

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/acb-dev/acb/secrets"
)

// TokenSource obtains Entra ID access tokens for the task's identity; it is
// what the endpoint serves to step containers. This package does not know
// how tokens are obtained (the CLI adapts acb's auth package).
type TokenSource interface {
	// Token returns an access token for resource, an Entra ID resource
	// such as "https://management.azure.com/", and its expiry. clientID is
	// the user-assigned identity a step asked for, or "" for the task's
	// own identity.
	Token(ctx context.Context, resource, clientID string) (token string, expiresOn time.Time, err error)
}

// Paths and API versions of the App Service managed-identity protocol that
// the step identity endpoint speaks.
const (
	// Path is the endpoint's path: IDENTITY_ENDPOINT is http://host:port/msi/token.
	Path = "/msi/token"
	// APIVersion is the App Service protocol version IDENTITY_ENDPOINT and
	// IDENTITY_HEADER belong to (header X-IDENTITY-HEADER, client_id).
	APIVersion = "2019-08-01"
	// MSIAPIVersion is the older version MSI_ENDPOINT and MSI_SECRET belong
	// to (header secret, clientid).
	MSIAPIVersion = "2017-09-01"
	// identityRefresh is how long before expiry a cached token is replaced:
	// MSAL does not use tokens that expire within five minutes either.
	identityRefresh = 5 * time.Minute
	// identityTimeout bounds one upstream token request.
	identityTimeout = time.Minute
)

// Handler answers App Service managed-identity token requests with tokens
// from its TokenSource, cached per resource and client id until shortly
// before they expire. Every token it hands out and its header secret are
// added to its masker. It is safe for concurrent use.
type Handler struct {
	src    TokenSource
	secret string
	masker *secrets.Masker
	onErr  func(error) // told about upstream failures; may be nil

	mu    sync.Mutex
	cache map[[2]string]cachedToken // {resource, client id} → token
}

type cachedToken struct {
	value     string
	expiresOn time.Time
}

// tokenResponse is the App Service answer. expires_on is Unix seconds as a
// string, which both API versions' clients accept.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresOn   string `json:"expires_on"`
	Resource    string `json:"resource"`
	TokenType   string `json:"token_type"`
	ClientID    string `json:"client_id,omitempty"`
}

// NewHandler returns a Handler serving tokens from src to requests that
// carry secret; masker (nil for none) learns the secret and every token
// served; onErr (nil for none) is told about upstream failures.
func NewHandler(src TokenSource, secret string, masker *secrets.Masker, onErr func(error)) *Handler {
	masker.Add(secret)
	return &Handler{src: src, secret: secret, masker: masker, onErr: onErr, cache: map[[2]string]cachedToken{}}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if p := strings.TrimSuffix(req.URL.Path, "/"); p != Path {
		identityError(w, http.StatusNotFound, "not_found", "the managed identity endpoint is "+Path)
		return
	}
	if req.Method != http.MethodGet {
		identityError(w, http.StatusMethodNotAllowed, "invalid_request", "use GET")
		return
	}
	q := req.URL.Query()
	version := q.Get("api-version")
	header, clientParam := "X-IDENTITY-HEADER", "client_id"
	if version == MSIAPIVersion {
		header, clientParam = "secret", "clientid"
	}
	got := req.Header.Get(header)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(h.secret)) != 1 {
		identityError(w, http.StatusUnauthorized, "unauthorized", "missing or wrong "+header+" header")
		return
	}
	switch {
	case version != APIVersion && version != MSIAPIVersion:
		identityError(w, http.StatusBadRequest, "invalid_request", "api-version must be "+APIVersion+" or "+MSIAPIVersion)
		return
	case q.Get("resource") == "":
		identityError(w, http.StatusBadRequest, "invalid_request", "resource is required")
		return
	case q.Get("mi_res_id") != "" || q.Get("object_id") != "" || q.Get("principal_id") != "":
		identityError(w, http.StatusBadRequest, "invalid_request", "acb selects user-assigned identities by "+clientParam+" only")
		return
	}
	resource, clientID := q.Get("resource"), strings.ToLower(q.Get(clientParam))
	// The request's context ends when the step hangs up or the run's
	// endpoint is closed.
	ctx, cancel := context.WithTimeout(req.Context(), identityTimeout)
	defer cancel()
	tok, err := h.token(ctx, resource, clientID)
	if err != nil {
		if h.onErr != nil {
			h.onErr(err)
		}
		identityError(w, http.StatusInternalServerError, "token_unavailable", h.masker.String(err.Error()))
		return
	}
	if clientID == "" {
		clientID = jwtAppID(tok.value)
	}
	writeIdentityJSON(w, http.StatusOK, tokenResponse{
		AccessToken: tok.value,
		ExpiresOn:   strconv.FormatInt(tok.expiresOn.Unix(), 10),
		Resource:    resource,
		TokenType:   "Bearer",
		ClientID:    clientID,
	})
}

// token returns a cached token or a fresh one from the source. Concurrent
// misses may both ask the source; the later answer wins.
func (h *Handler) token(ctx context.Context, resource, clientID string) (cachedToken, error) {
	key := [2]string{resource, clientID}
	h.mu.Lock()
	tok, ok := h.cache[key]
	h.mu.Unlock()
	if ok && time.Until(tok.expiresOn) > identityRefresh {
		return tok, nil
	}
	value, exp, err := h.src.Token(ctx, resource, clientID)
	if err != nil {
		return cachedToken{}, err
	}
	h.masker.Add(value) // before any step can print it
	tok = cachedToken{value: value, expiresOn: exp}
	h.mu.Lock()
	h.cache[key] = tok
	h.mu.Unlock()
	return tok, nil
}

// jwtAppID returns the appid (or azp) claim of a JWT-shaped access token,
// the identity's client id, or "" when the token is opaque.
func jwtAppID(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	body, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims struct {
		AppID string `json:"appid"`
		AZP   string `json:"azp"`
	}
	if json.Unmarshal(body, &claims) != nil {
		return ""
	}
	if claims.AppID != "" {
		return claims.AppID
	}
	return claims.AZP
}

func identityError(w http.ResponseWriter, code int, errCode, desc string) {
	writeIdentityJSON(w, code, map[string]string{"error": errCode, "error_description": desc})
}

func writeIdentityJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v) // the step hung up: nothing to do
}
