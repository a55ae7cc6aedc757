// Package identity serves a run's managed identity to its step containers:
// an HTTP handler speaking the App Service managed-identity protocol
// (IDENTITY_ENDPOINT + IDENTITY_HEADER, api-version 2019-08-01, and the
// older MSI_ENDPOINT + MSI_SECRET form, 2017-09-01), which azure-cli,
// azidentity, MSAL and the other Azure SDKs read. Tokens come from a
// TokenSource the caller provides and are cached until shortly before they
// expire. The runner listens on each step network's gateway.
package identity
