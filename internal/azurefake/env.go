package azurefake

import (
	"os"
	"testing"
)

// AzureEnv are the environment variables that steer azidentity's (and
// MSAL's) choice of credential and managed-identity endpoint.
var AzureEnv = []string{
	"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
	"AZURE_USERNAME", "AZURE_PASSWORD", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_TOKEN_CREDENTIALS",
	"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT",
	"MSI_ENDPOINT", "MSI_SECRET",
}

// ClearEnv unsets AzureEnv for the rest of the test, so a developer's own
// Azure settings never reach a fake (and the test cannot run in parallel).
func ClearEnv(t testing.TB) {
	t.Helper()
	for _, k := range AzureEnv {
		t.Setenv(k, "") // registers the restore
		os.Unsetenv(k)
	}
}
