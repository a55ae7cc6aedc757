package secrets

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/acb-dev/acb/internal/loopback"
)

// vaultSuffixes are the Key Vault DNS suffixes of the public and sovereign
// clouds: public, China, US Government and Germany.
var vaultSuffixes = [...]string{
	"vault.azure.net",
	"vault.azure.cn",
	"vault.usgovcloudapi.net",
	"vault.microsoftazure.de",
}

// expectedURLForm is quoted in every URL parse error.
const expectedURLForm = "expected https://<vault>.vault.azure.net/secrets/<name>[/<version>] " +
	"(or the vault.azure.cn, vault.usgovcloudapi.net or vault.microsoftazure.de suffix)"

// SecretURL is a parsed Key Vault secret URL.
type SecretURL struct {
	// VaultURL is the vault's base URL, "https://<vault>.<suffix>" with the
	// host in lower case and no trailing slash.
	VaultURL string
	// Name is the secret name.
	Name string
	// Version is the secret version; empty means the latest one.
	Version string
	// Resource is the AAD resource of the vault's cloud, e.g.
	// "https://vault.azure.net". It is empty for hosts outside the known
	// clouds (accepted only with ParseOptions.AllowAnyHost).
	Resource string
}

// String returns the canonical form of the URL:
// VaultURL/secrets/Name[/Version].
func (s *SecretURL) String() string {
	u := s.VaultURL + "/secrets/" + s.Name
	if s.Version != "" {
		u += "/" + s.Version
	}
	return u
}

// ParseOptions tunes the parsing of secret URLs (see Parse). The zero value
// accepts only the vault hosts of the public and sovereign clouds.
type ParseOptions struct {
	// AllowAnyHost accepts any https host, with a port, such as a fake
	// vault on 127.0.0.1 in tests.
	AllowAnyHost bool
	// AllowLoopback accepts a local Key Vault emulator: an https vault on
	// a loopback host (localhost, 127.0.0.0/8 or ::1), with any port. The
	// SecretURL's Resource is empty. Other hosts stay restricted to the
	// clouds' vault suffixes.
	AllowLoopback bool
}

// ParseSecretURL parses a Key Vault secret URL of the form
// https://<vault>.<suffix>/secrets/<name>[/<version>], where suffix is the
// Key Vault DNS suffix of the public cloud (vault.azure.net) or of a
// sovereign cloud (vault.azure.cn, vault.usgovcloudapi.net,
// vault.microsoftazure.de). Anything else is rejected with an error that
// quotes the expected form; errors wrap ErrBadURL.
func ParseSecretURL(u string) (*SecretURL, error) {
	return ParseOptions{}.Parse(u)
}

// Parse is ParseSecretURL with the options o.
func (o ParseOptions) Parse(raw string) (*SecretURL, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s; %s", ErrBadURL, redactURL(raw), fmt.Sprintf(format, args...), expectedURLForm)
	}
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("%w: empty; %s", ErrBadURL, expectedURLForm)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, bad("not a URL")
	}
	switch {
	case !strings.EqualFold(u.Scheme, "https"):
		return nil, bad("the scheme must be https")
	case u.User != nil:
		return nil, bad("user information is not allowed")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, bad("a query is not allowed")
	case u.Fragment != "":
		return nil, bad("a fragment is not allowed")
	case u.Opaque != "":
		return nil, bad("not a URL")
	}
	host := strings.ToLower(u.Host)
	resource, err := vaultResource(host, o.AllowAnyHost || o.AllowLoopback && IsLoopbackVault("https://"+host))
	if err != nil {
		return nil, bad("%v", err)
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) < 2 || len(segs) > 3 || segs[0] != "secrets" {
		return nil, bad("the path must be /secrets/<name> or /secrets/<name>/<version>")
	}
	s := &SecretURL{VaultURL: "https://" + host, Name: segs[1], Resource: resource}
	if !validSecretName(s.Name) {
		return nil, bad("secret names are 1 to 127 letters, digits and dashes")
	}
	if len(segs) == 3 {
		s.Version = segs[2]
		if !validVersion(s.Version) {
			return nil, bad("secret versions are letters and digits")
		}
	}
	return s, nil
}

// IsVaultURL reports whether s names a Key Vault by its host, as `az acr
// task credential add` judges a credential's user name or password: a URL
// whose host ends in a Key Vault suffix of the Azure clouds, or (a local
// emulator) an https URL on a loopback host. It does not check the path:
// Parse does. These are acb's one set of Key Vault URL rules.
func IsVaultURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, suffix := range vaultSuffixes {
		if strings.HasSuffix(host, "."+suffix) {
			return true
		}
	}
	return strings.EqualFold(u.Scheme, "https") && loopback.Host(u.Host)
}

// URLForm describes the Key Vault secret URLs acb accepts, for messages.
const URLForm = expectedURLForm

// vaultResource checks host and returns the AAD resource of its cloud.
func vaultResource(host string, anyHost bool) (string, error) {
	if host == "" {
		return "", fmt.Errorf("no host")
	}
	for _, suffix := range vaultSuffixes {
		vault, ok := strings.CutSuffix(host, "."+suffix)
		if !ok {
			continue
		}
		if !validVaultName(vault) {
			return "", fmt.Errorf("vault names are 3 to 24 letters, digits and dashes, starting with a letter")
		}
		return "https://" + suffix, nil
	}
	if anyHost {
		return "", nil
	}
	return "", fmt.Errorf("host %q is not a Key Vault host", host)
}

// IsLoopbackVault reports whether vaultURL (https://host[:port]) names a
// loopback host: localhost, an address of 127.0.0.0/8 or ::1. Such a
// vault is a local emulator, never a cloud vault.
func IsLoopbackVault(vaultURL string) bool { return loopback.URL(vaultURL) }

// validVaultName reports whether s is a Key Vault name: 3 to 24 letters,
// digits and dashes, starting with a letter and not ending with a dash.
func validVaultName(s string) bool {
	if len(s) < 3 || len(s) > 24 || !isLetter(s[0]) || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

// validSecretName reports whether s is a Key Vault object name: 1 to 127
// letters, digits and dashes.
func validSecretName(s string) bool {
	if len(s) == 0 || len(s) > 127 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

// validVersion reports whether s looks like a secret version (Key Vault
// uses 32 hexadecimal digits; any letters and digits are accepted).
func validVersion(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }
func isDigit(b byte) bool  { return '0' <= b && b <= '9' }

// redactURL returns raw with any password replaced, for error messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = url.User("xxxxx")
	return u.String()
}
