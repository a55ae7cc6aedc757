package azurefake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// KeyVaultResource is the resource a fake KeyVault names in its challenge
// by default, as the public cloud does.
const KeyVaultResource = "https://vault.azure.net"

// KeyVault is a fake of the Azure Key Vault data plane for secrets, over
// HTTPS (httptest TLS: the Key Vault client refuses plain HTTP). It serves
//
//	GET /secrets/{name}[/{version}]?api-version=...
//
// with the challenge protocol of the real service:
//
//   - a request without Authorization gets 401 with
//     WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<Tenant>", resource="<Resource>";
//   - a bearer token not accepted by Allow, AllowFunc or
//     AllowManagedIdentity gets the same 401;
//   - a token or identity passed to Deny gets 403 {"error":{"code":"Forbidden",...}};
//   - an unknown secret or version gets 404 {"error":{"code":"SecretNotFound",...}};
//   - otherwise 200 {"value","id":"https://<host>/secrets/<name>/<version>","attributes":{...}}.
//
// The client must set DisableChallengeResourceVerification, since the
// vault's host (127.0.0.1) is not in the resource's domain. A KeyVault is
// safe for concurrent use.
type KeyVault struct {
	// URL is the vault URL, https://127.0.0.1:PORT.
	URL string
	// Tenant is the tenant named in the challenge.
	Tenant string

	srv *httptest.Server

	mu          sync.Mutex
	resource    string
	secrets     map[string][]kvVersion // by lower-case name; the last is the current version
	allowed     map[string]string      // token -> identity
	allowFuncs  []func(token string) (identity string, ok bool)
	denied      map[string]bool // tokens and identities
	delay       time.Duration
	requests    int
	inFlight    int
	maxInFlight int
}

// kvVersion is one version of a fake secret.
type kvVersion struct {
	name, version, value string
	created              time.Time
}

// NewKeyVault starts a fake Key Vault on 127.0.0.1 and stops it when the
// test ends. It holds no secrets and accepts no token until told to.
func NewKeyVault(t testing.TB) *KeyVault {
	t.Helper()
	kv := &KeyVault{
		Tenant:   kvRandomHex(8) + "-0000-4000-8000-" + kvRandomHex(12),
		resource: KeyVaultResource,
		secrets:  map[string][]kvVersion{},
		allowed:  map[string]string{},
		denied:   map[string]bool{},
	}
	kv.srv = httptest.NewTLSServer(http.HandlerFunc(kv.serve))
	t.Cleanup(kv.srv.Close)
	kv.URL = kv.srv.URL
	return kv
}

// Client returns an HTTP client that trusts the fake's certificate. It is
// an azcore policy.Transporter, for azcore.ClientOptions.Transport.
func (kv *KeyVault) Client() *http.Client { return kv.srv.Client() }

// CertificatePEM returns the PEM of the fake's TLS certificate, for a
// process that must trust the vault through SSL_CERT_FILE (Go reads it on
// Linux, once per process) rather than through Client.
func (kv *KeyVault) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: kv.srv.Certificate().Raw})
}

// SecretURL returns the URL of the secret name at version ("" for the
// current version).
func (kv *KeyVault) SecretURL(name, version string) string {
	u := kv.URL + "/secrets/" + name
	if version != "" {
		u += "/" + version
	}
	return u
}

// SetResource changes the resource named in the challenge, e.g. to keep
// tests apart in MSAL's process-wide token cache.
func (kv *KeyVault) SetResource(resource string) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	kv.resource = resource
}

// Set stores value as version of the secret name and makes it the current
// version. An empty version gets a random 32-digit hex one. It returns the
// version.
func (kv *KeyVault) Set(name, version, value string) string {
	if version == "" {
		version = kvRandomHex(16)
	}
	kv.mu.Lock()
	defer kv.mu.Unlock()
	key := strings.ToLower(name)
	kv.secrets[key] = append(kv.secrets[key], kvVersion{name: name, version: version, value: value, created: time.Now()})
	return version
}

// Allow accepts token as a bearer token of identity.
func (kv *KeyVault) Allow(token, identity string) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	kv.allowed[token] = identity
}

// AllowFunc adds f, consulted for tokens not given to Allow: it returns the
// identity of a token it accepts.
func (kv *KeyVault) AllowFunc(f func(token string) (identity string, ok bool)) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	kv.allowFuncs = append(kv.allowFuncs, f)
}

// AllowManagedIdentity accepts the unexpired tokens mi issued. The
// identity of such a token is its oid claim, mi.ObjectID(clientID), which
// Deny takes to refuse one identity.
func (kv *KeyVault) AllowManagedIdentity(mi *ManagedIdentity) {
	kv.AllowFunc(func(token string) (string, bool) {
		if !mi.Issued(token) {
			return "", false
		}
		claims, err := Claims(token)
		if err != nil {
			return "", false
		}
		oid, _ := claims["oid"].(string)
		return oid, true
	})
}

// Deny makes requests with this token, or with any token of this
// identity, fail with 403 Forbidden.
func (kv *KeyVault) Deny(tokenOrIdentity string) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	kv.denied[tokenOrIdentity] = true
}

// SetDelay makes the fake wait d before answering each authorized request
// (or until the client gives up).
func (kv *KeyVault) SetDelay(d time.Duration) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	kv.delay = d
}

// Requests returns the number of requests received so far, challenges
// included.
func (kv *KeyVault) Requests() int {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	return kv.requests
}

// MaxConcurrent returns the largest number of requests the fake was
// serving at the same time.
func (kv *KeyVault) MaxConcurrent() int {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	return kv.maxInFlight
}

func (kv *KeyVault) serve(w http.ResponseWriter, r *http.Request) {
	kv.mu.Lock()
	kv.requests++
	kv.inFlight++
	kv.maxInFlight = max(kv.maxInFlight, kv.inFlight)
	resource, delay := kv.resource, kv.delay
	kv.mu.Unlock()
	defer func() {
		kv.mu.Lock()
		kv.inFlight--
		kv.mu.Unlock()
	}()

	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		kv.challenge(w, resource, "AKV10000: Request is missing a Bearer or PoP token.")
		return
	}
	identity, ok := kv.identity(token)
	if !ok {
		kv.challenge(w, resource, "AKV10032: Invalid issuer or token.")
		return
	}
	if kv.isDenied(token, identity) {
		kvError(w, http.StatusForbidden, "Forbidden", "The user, group or application 'oid="+identity+
			"' does not have secrets get permission on key vault '"+r.Host+"'. For help resolving this issue, "+
			"please see https://go.microsoft.com/fwlink/?linkid=2125287")
		return
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if r.Method != http.MethodGet {
		kvError(w, http.StatusMethodNotAllowed, "BadParameter", "Only GET is supported by the fake Key Vault.")
		return
	}
	if r.URL.Query().Get("api-version") == "" {
		kvError(w, http.StatusBadRequest, "BadParameter", "The request URI contains an invalid parameter: api-version is missing.")
		return
	}
	name, version, ok := kvSecretPath(r.URL)
	if !ok {
		kvError(w, http.StatusBadRequest, "BadParameter", "The request URI is not a secret URI.")
		return
	}
	v, ok := kv.lookup(name, version)
	if !ok {
		id := name
		if version != "" {
			id += "/" + version
		}
		kvError(w, http.StatusNotFound, "SecretNotFound", "A secret with (name/id) "+id+" was not found in this key vault. "+
			"If you recently deleted this secret you may be able to recover it using the correct recovery command. "+
			"For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182")
		return
	}
	kvJSON(w, http.StatusOK, map[string]any{
		"value": v.value,
		"id":    "https://" + r.Host + "/secrets/" + v.name + "/" + v.version,
		"attributes": map[string]any{
			"enabled":         true,
			"created":         v.created.Unix(),
			"updated":         v.created.Unix(),
			"recoveryLevel":   "Recoverable+Purgeable",
			"recoverableDays": 90,
		},
		"tags": map[string]string{},
	})
}

// challenge answers 401 with the Key Vault bearer challenge.
func (kv *KeyVault) challenge(w http.ResponseWriter, resource, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer authorization="https://login.microsoftonline.com/`+kv.Tenant+`", resource="`+resource+`"`)
	kvError(w, http.StatusUnauthorized, "Unauthorized", msg)
}

// identity returns the identity of an accepted token.
func (kv *KeyVault) identity(token string) (string, bool) {
	kv.mu.Lock()
	id, ok := kv.allowed[token]
	funcs := kv.allowFuncs
	kv.mu.Unlock()
	if ok {
		return id, true
	}
	for _, f := range funcs {
		if id, ok := f(token); ok {
			return id, true
		}
	}
	return "", false
}

func (kv *KeyVault) isDenied(token, identity string) bool {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	return kv.denied[token] || (identity != "" && kv.denied[identity])
}

// lookup returns the secret name at version ("" for the current one).
func (kv *KeyVault) lookup(name, version string) (kvVersion, bool) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	versions := kv.secrets[strings.ToLower(name)]
	if version == "" {
		if len(versions) == 0 {
			return kvVersion{}, false
		}
		return versions[len(versions)-1], true
	}
	for _, v := range versions {
		if strings.EqualFold(v.version, version) {
			return v, true
		}
	}
	return kvVersion{}, false
}

// kvSecretPath splits /secrets/{name}[/{version}][/].
func kvSecretPath(u *url.URL) (name, version string, ok bool) {
	rest, ok := strings.CutPrefix(u.Path, "/secrets/")
	if !ok {
		return "", "", false
	}
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	switch {
	case len(segs) == 1 && segs[0] != "":
		return segs[0], "", true
	case len(segs) == 2 && segs[0] != "" && segs[1] != "":
		return segs[0], segs[1], true
	}
	return "", "", false
}

// kvError writes a Key Vault error body.
func kvError(w http.ResponseWriter, code int, errCode, msg string) {
	kvJSON(w, code, map[string]any{"error": map[string]string{"code": errCode, "message": msg}})
}

func kvJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v) // the client hung up; nothing to do
}

func kvRandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails
	return hex.EncodeToString(b)
}
