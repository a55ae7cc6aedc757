package auth

import (
	"context"
	"net/url"
	"strings"
)

// KeyVaultSuffixes are the Key Vault DNS suffixes of the Azure clouds. A
// value whose host ends in one of them is a Key Vault secret URL.
var KeyVaultSuffixes = []string{
	".vault.azure.net",
	".vault.azure.cn",
	".vault.usgovcloudapi.net",
	".vault.microsoftazure.de",
}

// IsKeyVaultURL reports whether s is a Key Vault secret URL, judged like
// `az acr task credential add` does: by the Key Vault DNS suffix.
func IsKeyVaultURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, suffix := range KeyVaultSuffixes {
		if strings.HasSuffix(host, suffix) {
			return true
		}
	}
	return false
}

// SecretGetter reads Key Vault secrets. identity is [SystemIdentity] or the
// client id of the managed identity that reads the vault. The secrets
// package provides the implementation.
type SecretGetter interface {
	// GetSecret returns the value of the secret at url.
	GetSecret(ctx context.Context, url, identity string) (string, error)
}
