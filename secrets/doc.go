// Package secrets holds everything acb does with secret values: resolving
// the secrets a task declares, from Azure Key Vault or from local sources,
// and masking every known value with "***" in what acb writes.
//
// The package imports no other acb package.
//
// # Secret URLs
//
// A task's secrets entry names a Key Vault secret by URL:
//
//	https://<vault>.<suffix>/secrets/<name>[/<version>]
//
// where suffix is vault.azure.net (public cloud), vault.azure.cn (China),
// vault.usgovcloudapi.net (US Government) or vault.microsoftazure.de
// (Germany). ParseSecretURL checks this form and returns the vault URL, the
// name, the version ("" for the latest) and the AAD resource of the cloud
// (https://<suffix>). Any other URL (other scheme or host, other path,
// query, user information) is rejected with ErrBadURL and a message that
// quotes the expected form. ParseOptions.AllowAnyHost accepts any https
// host, for fakes on 127.0.0.1. ParseOptions.AllowLoopback (which acb run
// sets) accepts only a local Key Vault emulator on a loopback host
// (https://127.0.0.1:8443/secrets/<name>, https://localhost:...), whose
// authentication challenge is then not checked against the vault's domain;
// cloud vault URLs are checked as strictly as without it.
//
// # Key Vault
//
// KeyVault resolves Refs (id, URL, clientID) with the Azure SDK (azsecrets).
// The identity that reads a vault comes from KeyVaultOptions.Credential;
// by default a ref without clientID uses azidentity's
// DefaultAzureCredential (managed identity on Azure, the developer's
// az login elsewhere) and a ref with a clientID the user-assigned managed
// identity with that client ID. "[system]" and "system", az acr's names for
// the system-assigned identity, mean no clientID.
//
// Resolve runs at most Parallelism lookups at once (5 by default), each
// within Timeout (2 minutes by default), as acr-builder does. Unlike
// acr-builder, which stops at the first error, it returns every value it
// read together with a *ResolveError listing every secret it could not read,
// each a *SecretError whose Kind tells why:
//
//   - ErrForbidden: the identity lacks "get" permission on the vault's
//     secrets (HTTP 403);
//   - ErrNotFound: no such secret, or no such version (HTTP 404);
//   - ErrUnreachable: a network failure (DNS, connection, TLS);
//   - ErrTimeout: no answer within Timeout;
//   - ErrIdentity: no token for the identity, or the vault refused it
//     (HTTP 401);
//   - ErrBadURL: a missing or malformed URL;
//   - ErrVault: any other error status;
//   - context.Canceled or context.DeadlineExceeded: the caller gave up.
//
// Callers branch with errors.Is on the *ResolveError itself. Error messages
// never contain a secret value or a token: they are built from the status,
// the error code and the vault's message, after masking every token the
// credentials returned and every value read so far, and the SDKs' raw
// responses are left out.
//
// GetSecret reads a single secret by URL; registry credentials whose user
// name or password is a Key Vault reference use it.
//
// # Offline sources
//
// To replay a task without Key Vault (in CI, or with --offline), secret
// values can be given locally. Offline resolves a ref by its id, in this
// order:
//
//  1. the values given by the user: --secret id=value (ParseSecretFlags)
//     over --secret-file FILE (ReadSecretFile), layered with Merge;
//  2. the environment variable EnvName(id): "ACB_SECRET_" followed by the
//     id in upper case, every character other than a letter or digit
//     replaced by "_" (db-password is read from ACB_SECRET_DB_PASSWORD).
//     A variable set to "" counts as unset.
//
// A secret file is YAML (a map of ids to values) or dotenv (ID=value lines,
// optional quotes, multi-line quoted values); ParseSecretFile documents
// both. Errors about flags and files name ids, files and line numbers,
// never values.
//
// Chain puts the two together: each secret comes from its local value when
// there is one, else from Key Vault. With OfflineOnly (--offline) Key Vault
// is never asked, and Resolve fails with a *ResolveError listing every
// secret that has no local value (ErrMissing), with the ways to give one.
// Callers resolve all secrets before the first step, so nothing runs with
// a secret missing.
//
// Every value resolved, whatever its source, must then be added to the
// run's Masker.
//
// # Masking
//
// A Masker replaces every known secret value with "***" in strings and in
// streamed output (MaskWriter).
//
// # What is masked
//
// For each value given to NewMasker or Masker.Add, these patterns are masked:
//
//   - the value itself, and the value with surrounding white space trimmed
//     (values read from files often end in a newline);
//   - its base64 encodings: standard and URL alphabets, each with and
//     without padding;
//   - the part of its base64 encoding that is fixed when the value sits at
//     any of the three byte alignments inside a longer encoded text, as in
//     the "auth" field of a docker config.json ("user:secret"), when that
//     part is at least 6 characters long;
//   - the lines of its standard base64 encoding wrapped at 76 columns (what
//     the base64 tool prints) or 64 (openssl, PEM), each masked on its own
//     when at least 6 characters long; wrapped base64 of a longer text that
//     merely contains the value is not recognised;
//   - its URL query and path escapings, when they differ from the value;
//   - its escaped form inside a JSON string (quotes, backslashes, control
//     characters, with and without HTML escaping), when it differs;
//   - for multi-line values: the value with "\r\n" line ends, and each
//     line (without its "\r") that is at least 4 bytes long.
//
// Values shorter than 3 bytes are ignored: masking one- or two-character
// strings would destroy the output while protecting nothing.
//
// Every region of the output covered by one or more occurrences of any
// pattern is replaced by a single "***", so overlapping secrets are masked
// as a whole and the longest match always wins.
package secrets
