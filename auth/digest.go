package auth

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/acb-dev/acb/internal/loopback"
)

// RemoteDigests returns the dependency report's remote digest lookup: a
// registry HEAD request with the run's logins (logins may be nil), but only
// on registries the run has credentials for or that are on loopback: a
// local run never reaches out to public registries just to fill a report.
func RemoteDigests(logins *Logins) func(ctx context.Context, ref string) (string, error) {
	var keychain authn.Keychain = authn.DefaultKeychain
	if logins != nil {
		keychain = authn.NewMultiKeychain(logins.Keychain(), authn.DefaultKeychain)
	}
	return func(ctx context.Context, ref string) (string, error) {
		r, err := name.ParseReference(ref)
		if err != nil {
			return "", fmt.Errorf("parse %s: %w", ref, err)
		}
		host := r.Context().RegistryStr()
		known := false
		if logins != nil {
			_, known = logins.Registry(host)
		}
		if !known && !loopback.Host(host) {
			return "", nil
		}
		if loopback.Host(host) {
			// Plain HTTP only on loopback: elsewhere the run's credentials
			// must not fall back to an unencrypted connection.
			if r, err = name.ParseReference(ref, name.Insecure); err != nil {
				return "", fmt.Errorf("parse %s: %w", ref, err)
			}
		}
		desc, err := remote.Head(r, remote.WithContext(ctx), remote.WithAuthFromKeychain(keychain))
		if err != nil {
			return "", fmt.Errorf("registry HEAD %s: %w", ref, err)
		}
		return desc.Digest.String(), nil
	}
}
