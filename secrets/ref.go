package secrets

// Ref names one secret a task needs: an entry of the task's secrets list.
type Ref struct {
	// ID is the name the task reads the value by ({{.Secrets.<id>}}).
	ID string
	// URL is the Key Vault secret URL (the "keyvault" property). Offline
	// sources ignore it.
	URL string
	// ClientID is the client ID of the user-assigned managed identity that
	// reads the vault; empty (or "[system]") means the default identity.
	ClientID string
}
