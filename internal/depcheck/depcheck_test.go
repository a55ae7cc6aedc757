package depcheck

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/acb-dev/acb"

// allowed lists, for each package, the acb packages it may import
// (non-test code). Packages not listed may import any acb package except
// cmd/acb.
var allowed = map[string][]string{
	"graph":                  {"internal/diag"},
	"template":               {"internal/diag", "internal/inputfile"},
	"auth":                   {"secrets", "internal/retry", "internal/loopback"},
	"secrets":                {"internal/inputfile", "internal/loopback"},
	"runner/engine":          {},
	"runner/args":            {},
	"runner/report":          {},
	"runner/docker":          {"runner/engine", "runner/docker/endpoint"},
	"runner/docker/endpoint": {},
	"runner/identity":        {"secrets"},
	"internal/diag":          {},
	"internal/inputfile":     {},
	"internal/retry":         {},
	"internal/loopback":      {},
	"runner/output":          {"secrets"},
	"runner/fault":           {"secrets"},
	"runner/source":          {"runner/fault", "internal/inputfile"},
	"runner/load":            {"graph", "template", "secrets", "internal/diag", "internal/inputfile", "runner/fault"},
	"runner":                 {"graph", "template", "auth", "secrets", "internal/diag", "internal/inputfile", "runner/args", "runner/engine", "runner/fault", "runner/identity", "runner/output", "runner/report", "runner/source", "internal/retry"},
}

// mobyOnly are the only packages that may import the moby client, besides
// test helpers.
var mobyOnly = map[string]bool{"runner/docker": true, "internal/testenv": true, "internal/bench": true}

func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		seen++
		allow, restricted := allowed[pkg]
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, "github.com/moby/moby/client") && !mobyOnly[pkg] {
				t.Errorf("%s imports the Engine API client %s; only runner/docker may", pkg, imp)
			}
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			dep := strings.TrimPrefix(imp, module+"/")
			if dep == "cmd/acb" {
				t.Errorf("%s imports cmd/acb", pkg)
			}
			if restricted && !contains(allow, dep) {
				t.Errorf("%s imports %s; the dependency direction allows only %v", pkg, dep, allow)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list saw only %d packages", seen)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
