// Package auth turns acb's registry credential flags into registry logins.
//
// It parses --credential values, both the JSON forms of the reference ACR
// Tasks engine and a readable form mirroring `az acr task credential add`
// (see [ParseCredential]); obtains Entra ID tokens for managed identities
// and the ambient identity through azidentity ([NewTokenSource]); trades them
// for ACR refresh tokens ([Exchanger]); and resolves all of a run's
// credentials into [Logins], which keep identity-based logins fresh for
// multi-hour runs and render the run's private Docker config.
//
// Registries with no credential fall back to the user's Docker config and
// credential helpers ([UserKeychain]).
//
// Errors name the registry, the identity source and the HTTP status; they
// never contain a password or a token. The package keeps no global state:
// everything it needs comes in through options.
//
// This package imports no other acb package.
package auth
