package azurefake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// MIRequest is one token request the fake managed-identity endpoint received.
type MIRequest struct {
	APIVersion string // api-version query parameter
	Resource   string // resource query parameter
	ClientID   string // client_id query parameter; empty for the system-assigned identity
	Header     string // X-IDENTITY-HEADER value
}

// ManagedIdentity is a fake of the App Service managed-identity endpoint
// (the protocol azidentity selects when IDENTITY_ENDPOINT and
// IDENTITY_HEADER are set). It answers
//
//	GET <endpoint>?api-version=2019-08-01&resource=R[&client_id=C]
//
// carrying the X-IDENTITY-HEADER header with
// {"access_token","expires_on","resource","token_type"}. Tokens are
// JWT-shaped with tid, oid, appid, aud and exp claims. The tenant is random
// per fake, and every token is distinct.
//
// Tokens expire after TTL, two minutes by default: MSAL keeps a process-wide
// managed-identity token cache but does not serve tokens that expire within
// five minutes, so short expiries keep tests independent of each other.
//
// A ManagedIdentity is safe for concurrent use.
type ManagedIdentity struct {
	// URL is the endpoint to put in IDENTITY_ENDPOINT.
	URL string
	// Secret is the value expected in X-IDENTITY-HEADER; put it in IDENTITY_HEADER.
	Secret string
	// Tenant is the tenant id put in the tid claim of every token.
	Tenant string

	srv *httptest.Server

	mu       sync.Mutex
	ttl      time.Duration
	fail     int
	requests []MIRequest
	issued   map[string]time.Time // token -> expiry
	oids     map[string]string    // client id ("" = system) -> object id
}

// NewManagedIdentity starts a fake managed-identity endpoint on 127.0.0.1
// and stops it when the test ends.
func NewManagedIdentity(t testing.TB) *ManagedIdentity {
	t.Helper()
	m := &ManagedIdentity{
		Secret: "header-" + randomHex(8),
		Tenant: NewGUID(),
		ttl:    2 * time.Minute,
		issued: map[string]time.Time{},
		oids:   map[string]string{},
	}
	m.srv = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.srv.Close)
	m.URL = m.srv.URL + "/msi/token"
	return m
}

// SetEnv points azidentity at the fake for the rest of the test by setting
// IDENTITY_ENDPOINT and IDENTITY_HEADER, and clears the variables that would
// make azidentity pick another managed-identity source. Tests calling it
// must not run in parallel.
func (m *ManagedIdentity) SetEnv(t testing.TB) {
	t.Helper()
	t.Setenv("IDENTITY_ENDPOINT", m.URL)
	t.Setenv("IDENTITY_HEADER", m.Secret)
	for _, k := range []string{"IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT", "MSI_ENDPOINT", "MSI_SECRET"} {
		t.Setenv(k, "")
	}
}

// SetTTL changes the lifetime of tokens issued from now on.
func (m *ManagedIdentity) SetTTL(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ttl = d
}

// FailWith makes every following request fail with HTTP status code; 0
// restores normal answers.
func (m *ManagedIdentity) FailWith(code int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail = code
}

// Requests returns a copy of the requests received so far.
func (m *ManagedIdentity) Requests() []MIRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]MIRequest(nil), m.requests...)
}

// Issued reports whether token was issued by this fake and has not expired.
func (m *ManagedIdentity) Issued(token string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp, ok := m.issued[token]
	return ok && time.Now().Before(exp)
}

// Tokens returns every token issued so far, so tests can check that none
// leaks into messages.
func (m *ManagedIdentity) Tokens() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.issued))
	for tok := range m.issued {
		out = append(out, tok)
	}
	return out
}

// ObjectID returns the object id (oid claim) of the identity with clientID,
// "" meaning the system-assigned identity.
func (m *ManagedIdentity) ObjectID(clientID string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.objectIDLocked(clientID)
}

func (m *ManagedIdentity) objectIDLocked(clientID string) string {
	oid, ok := m.oids[clientID]
	if !ok {
		oid = NewGUID()
		m.oids[clientID] = oid
	}
	return oid
}

func (m *ManagedIdentity) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := MIRequest{
		APIVersion: q.Get("api-version"),
		Resource:   q.Get("resource"),
		ClientID:   q.Get("client_id"),
		Header:     r.Header.Get("X-IDENTITY-HEADER"),
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests = append(m.requests, req)

	switch {
	case m.fail != 0:
		writeJSON(w, m.fail, map[string]string{"error": "fake_failure", "error_description": "the fake was told to fail"})
		return
	case r.Method != http.MethodGet:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed"})
		return
	case req.Header != m.Secret:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_identity_header"})
		return
	case req.APIVersion != "2019-08-01" || req.Resource == "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}

	exp := time.Now().Add(m.ttl)
	appid := req.ClientID
	if appid == "" {
		appid = "system-" + m.Tenant[:8]
	}
	token := JWT(map[string]any{
		"aud":   req.Resource,
		"iss":   "https://sts.windows.net/" + m.Tenant + "/",
		"tid":   m.Tenant,
		"oid":   m.objectIDLocked(req.ClientID),
		"appid": appid,
		"iat":   time.Now().Unix(),
		"exp":   exp.Unix(),
	})
	m.issued[token] = exp
	writeJSON(w, http.StatusOK, map[string]string{
		"access_token": token,
		"expires_on":   strconv.FormatInt(exp.Unix(), 10),
		"resource":     req.Resource,
		"token_type":   "Bearer",
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v) // the client hung up; nothing to do
}
