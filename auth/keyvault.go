package auth

import (
	"context"

	"github.com/acb-dev/acb/secrets"
)

// IsKeyVaultURL reports whether s is a Key Vault secret URL, judged like
// `az acr task credential add` does, by its host: secrets.IsVaultURL, the
// rules Key Vault reads use too (a local emulator on loopback included).
func IsKeyVaultURL(s string) bool { return secrets.IsVaultURL(s) }

// SecretGetter reads Key Vault secrets. identity is [SystemIdentity] or the
// client id of the managed identity that reads the vault. The secrets
// package provides the implementation.
type SecretGetter interface {
	// GetSecret returns the value of the secret at url.
	GetSecret(ctx context.Context, url, identity string) (string, error)
}
