package template

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ShellQuote quotes s for a POSIX shell the way acr-builder quotes .RunJSON
// and .ValuesJSON: the empty string becomes a pair of single quotes; a
// string holding any character outside [A-Za-z0-9_^@=+%,:./-] is wrapped in
// single quotes with each inner ' written as '"'"'; anything else is
// returned unchanged.
func ShellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, shellUnsafe) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

func shellUnsafe(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("_^@=+%,:./-", r)
}

// RunJSON returns the JSON object of r (keys sorted), shell-quoted: the value
// of .RunJSON.
func RunJSON(r Run) (string, error) {
	b, err := json.Marshal(r.fields())
	if err != nil {
		return "", fmt.Errorf("serialize run: %w", err)
	}
	return ShellQuote(string(b)), nil
}

// ValuesJSON returns the JSON object of values (keys sorted, nested maps
// included), shell-quoted: the value of .ValuesJSON. A nil map gives '{}'.
func ValuesJSON(values map[string]any) (string, error) {
	if values == nil {
		values = map[string]any{}
	}
	b, err := json.Marshal(normalizeMap(values))
	if err != nil {
		return "", fmt.Errorf("serialize values: %w", err)
	}
	return ShellQuote(string(b)), nil
}
