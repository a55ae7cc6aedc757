package auth

import (
	"fmt"
	"strings"
)

// SystemIdentity names the ambient identity: on Azure compute the
// system-assigned managed identity, elsewhere the first source of the
// DefaultAzureCredential chain that answers.
const SystemIdentity = "[system]"

// normalizeIdentity accepts [system] (also "system", any case) or a client
// id GUID and returns SystemIdentity or the lower-case GUID.
func normalizeIdentity(id string) (string, error) {
	s := strings.TrimSpace(id)
	switch strings.ToLower(s) {
	case "":
		return "", fmt.Errorf("identity is empty")
	case SystemIdentity, "system":
		return SystemIdentity, nil
	}
	if !isGUID(s) {
		return "", fmt.Errorf("identity %q is neither %s nor a client id (GUID)", s, SystemIdentity)
	}
	return strings.ToLower(s), nil
}

// isGUID reports whether s has the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
// with hexadecimal digits, optionally in braces.
func isGUID(s string) bool {
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}
