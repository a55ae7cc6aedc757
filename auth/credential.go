package auth

import (
	"fmt"
	"strings"

	"github.com/acb-dev/acb/secrets"
)

// Kind says how a Credential logs in.
type Kind int

const (
	// KindBasic is a plain user name and password.
	KindBasic Kind = iota + 1
	// KindKeyVault is a user name and password of which at least one is an
	// Azure Key Vault secret URL, read with Identity.
	KindKeyVault
	// KindIdentity is an identity-based login: an Entra ID token for
	// Resource, exchanged for an ACR refresh token.
	KindIdentity
)

// String returns the kind's name as used in messages.
func (k Kind) String() string {
	switch k {
	case KindBasic:
		return "username/password"
	case KindKeyVault:
		return "Key Vault"
	case KindIdentity:
		return "identity"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ACRUsername is the user name that goes with an ACR refresh token.
const ACRUsername = "00000000-0000-0000-0000-000000000000"

// DefaultResource is the Entra ID resource (audience) of tokens exchanged
// for ACR refresh tokens when a credential names none.
const DefaultResource = "https://containerregistry.azure.net"

// Credential is one parsed --credential value: how to log in to Registry.
type Credential struct {
	// Registry is the login server, a host with an optional port, lower-case.
	Registry string
	// Kind says how to log in.
	Kind Kind

	// Username is the user name, or a Key Vault secret URL when
	// UsernameInVault is set. Empty for KindIdentity.
	Username string
	// UsernameInVault says that Username is a Key Vault secret URL.
	UsernameInVault bool
	// Password is the password, or a Key Vault secret URL when
	// PasswordInVault is set. Empty for KindIdentity, and until
	// [ApplyStdinPassword] when PasswordFromStdin is set.
	Password string
	// PasswordInVault says that Password is a Key Vault secret URL.
	PasswordInVault bool
	// PasswordFromStdin says that the password is to be read from standard
	// input (the readable form's password-stdin).
	PasswordFromStdin bool

	// Identity is [SystemIdentity] or the client id of a user-assigned
	// managed identity. It logs in for KindIdentity and reads the vault for
	// KindKeyVault; it is empty for KindBasic.
	Identity string
	// Resource is the Entra ID resource of the token exchanged for an ACR
	// refresh token (KindIdentity only); [DefaultResource] unless given.
	Resource string
}

// String describes the credential without any secret value.
func (c *Credential) String() string {
	switch c.Kind {
	case KindIdentity:
		return fmt.Sprintf("%s with identity %s", c.Registry, c.Identity)
	case KindKeyVault:
		return fmt.Sprintf("%s with Key Vault secrets read by identity %s", c.Registry, c.Identity)
	}
	return fmt.Sprintf("%s with username %s", c.Registry, c.Username)
}

// Validate checks that the fields required by the credential's kind are set
// and well formed.
func (c *Credential) Validate() error {
	if c.Registry == "" {
		return fmt.Errorf("credential: registry (server) is required")
	}
	switch c.Kind {
	case KindBasic:
		if c.UsernameInVault || c.PasswordInVault {
			return fmt.Errorf("credential for %s: username/password kind cannot read Key Vault secrets", c.Registry)
		}
		if c.Identity != "" {
			return fmt.Errorf("credential for %s: an identity goes with Key Vault secret URLs or alone, not with a plain username and password", c.Registry)
		}
	case KindKeyVault:
		if !c.UsernameInVault && !c.PasswordInVault {
			return fmt.Errorf("credential for %s: Key Vault kind needs a Key Vault secret URL as username or password", c.Registry)
		}
		if c.Identity == "" {
			return fmt.Errorf("credential for %s: reading Key Vault secrets needs an identity", c.Registry)
		}
	case KindIdentity:
		if c.Identity == "" {
			return fmt.Errorf("credential for %s: identity is required", c.Registry)
		}
		if c.Resource == "" {
			return fmt.Errorf("credential for %s: Entra ID resource is required", c.Registry)
		}
		if c.Username != "" || c.Password != "" || c.PasswordFromStdin {
			return fmt.Errorf("credential for %s: identity login takes no username or password", c.Registry)
		}
		return validateIdentity(c.Registry, c.Identity)
	default:
		return fmt.Errorf("credential for %s: unknown kind %d", c.Registry, int(c.Kind))
	}
	if c.Username == "" {
		return fmt.Errorf("credential for %s: username is required", c.Registry)
	}
	if c.Password == "" && !c.PasswordFromStdin {
		return fmt.Errorf("credential for %s: password is required", c.Registry)
	}
	if c.UsernameInVault && !IsKeyVaultURL(c.Username) || c.PasswordInVault && (c.PasswordFromStdin || !IsKeyVaultURL(c.Password)) {
		return fmt.Errorf("credential for %s: Key Vault secret must be a URL on a Key Vault domain: %s", c.Registry, secrets.URLForm)
	}
	if c.Kind == KindKeyVault {
		return validateIdentity(c.Registry, c.Identity)
	}
	return nil
}

func validateIdentity(registry, id string) error {
	if _, err := normalizeIdentity(id); err != nil {
		return fmt.Errorf("credential for %s: %w", registry, err)
	}
	return nil
}

// NewIdentityCredential returns the credential that logs in to registry with
// identity ([SystemIdentity] or a user-assigned client id) through the ACR
// token exchange, as --registry-identity asks for the run's own registry.
func NewIdentityCredential(registry, identity string) (*Credential, error) {
	reg, err := normalizeRegistry(registry)
	if err != nil {
		return nil, err
	}
	id, err := normalizeIdentity(identity)
	if err != nil {
		return nil, fmt.Errorf("identity for %s: %w", reg, err)
	}
	c := &Credential{Registry: reg, Kind: KindIdentity, Identity: id, Resource: DefaultResource}
	return c, c.Validate()
}

// normalizeRegistry turns a login server as users write it into the form
// used as a key: no scheme, no trailing slash, lower-case, Docker Hub's
// aliases folded into index.docker.io.
func normalizeRegistry(s string) (string, error) {
	r := strings.TrimSpace(s)
	r = strings.TrimPrefix(strings.TrimPrefix(r, "https://"), "http://")
	r = strings.ToLower(strings.TrimSuffix(r, "/"))
	switch r {
	case "docker.io", "registry-1.docker.io", "index.docker.io/v1":
		return "index.docker.io", nil
	case "":
		return "", fmt.Errorf("registry name is empty")
	}
	if strings.ContainsAny(r, "/ \t\n@") {
		return "", fmt.Errorf("registry %q is not a login server (host[:port])", s)
	}
	return r, nil
}
