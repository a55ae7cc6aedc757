package load

import (
	"context"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/secrets"
)

// secretsAdapter lets a secrets.Resolver (offline values, Key Vault, or a
// chain of both) resolve the task's secrets: list.
type secretsAdapter struct{ r secrets.Resolver }

// SecretsResolver adapts r to a SecretResolver.
func SecretsResolver(r secrets.Resolver) SecretResolver { return secretsAdapter{r} }

// ResolveSecrets resolves each task secret by id, with its Key Vault URL and
// client id.
func (a secretsAdapter) ResolveSecrets(ctx context.Context, list []*graph.Secret) (map[string]string, error) {
	refs := make([]secrets.Ref, len(list))
	for i, s := range list {
		refs[i] = secrets.Ref{ID: s.ID, URL: s.KeyVault, ClientID: s.ClientID}
	}
	return a.r.Resolve(ctx, refs)
}

// checkSecretURL checks a secret's Key Vault URL as the run will read it
// (a cloud vault, or an emulator on a loopback host).
func checkSecretURL(u string) error {
	_, err := secrets.ParseOptions{AllowLoopback: true}.Parse(u)
	return err
}
