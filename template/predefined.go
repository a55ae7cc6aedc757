package template

import (
	"errors"
	"fmt"
	"maps"
	"strings"
)

// Default image alias targets (acr-builder HEAD). They change often; use
// Options.Aliases to point them elsewhere.
const (
	DefaultACRImage  = "mcr.microsoft.com/acr/acr-cli:0.19"
	DefaultAzImage   = "mcr.microsoft.com/acr/azure-cli:2ff604c"
	DefaultBashImage = "mcr.microsoft.com/acr/bash:2ff604c"
	DefaultCurlImage = "mcr.microsoft.com/acr/curl:2ff604c"
	DefaultCSSCImage = "mcr.microsoft.com/acr/cssc:2ff604c"
)

// DefaultAliases returns a fresh copy of the predefined alias table for the
// given run OS: the run variables ($ID, $SharedVolume, $Registry,
// $RegistryName, $Date, $OS, $Architecture, $Commit, $Branch, each expanding
// to its {{.Run.X}} template) and, except on windows, the image aliases acr,
// az, bash, curl and cssc.
func DefaultAliases(goos string) map[string]string {
	m := map[string]string{
		"ID":           "{{.Run.ID}}",
		"SharedVolume": "{{.Run.SharedVolume}}",
		"Registry":     "{{.Run.Registry}}",
		"RegistryName": "{{.Run.RegistryName}}",
		"Date":         "{{.Run.Date}}",
		"OS":           "{{.Run.OS}}",
		"Architecture": "{{.Run.Architecture}}",
		"Commit":       "{{.Run.Commit}}",
		"Branch":       "{{.Run.Branch}}",
	}
	if goos != "windows" {
		maps.Copy(m, map[string]string{
			"acr":  DefaultACRImage,
			"az":   DefaultAzImage,
			"bash": DefaultBashImage,
			"curl": DefaultCurlImage,
			"cssc": DefaultCSSCImage,
		})
	}
	return m
}

// SetAlias applies one --alias name=value entry to aliases (split at the
// first '='). The name must match [A-Za-z0-9]+.
func SetAlias(aliases map[string]string, kv string) error {
	if aliases == nil {
		return errors.New("set alias: nil alias map")
	}
	name, val, ok := strings.Cut(kv, "=")
	if !ok {
		return fmt.Errorf("invalid --alias %q: no = assignment found", kv)
	}
	if !validAliasName(name) {
		return fmt.Errorf("--alias %q: an alias name must be letters and digits only", kv)
	}
	aliases[name] = val
	return nil
}
