package main

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/acb-dev/acb/auth"
	"github.com/acb-dev/acb/internal/loopback"
)

// remoteDigests looks up digests with a registry HEAD request, but only on
// registries the run has credentials for or that are on loopback: a local
// run never reaches out to public registries just to fill a report.
func remoteDigests(logins *auth.Logins) func(ctx context.Context, ref string) (string, error) {
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
		_, known := loginFor(logins, host)
		if !known && !loopbackHost(host) {
			return "", nil
		}
		if loopbackHost(host) {
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

func loginFor(logins *auth.Logins, host string) (*auth.Registry, bool) {
	if logins == nil {
		return nil, false
	}
	return logins.Registry(host)
}

func loopbackHost(hostport string) bool { return loopback.Host(hostport) }
