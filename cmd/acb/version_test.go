package main

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/version"
)

func TestVersionTextAndJSON(t *testing.T) {
	out, _, code := runCLI(t, "version")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	if strings.Contains(out, "Client:") {
		t.Errorf("text form has a Client: header:\n%s", out)
	}
	for _, want := range []string{"Version:", "Revision:", "Go version: " + runtime.Version(), "Platform:   " + runtime.GOOS + "/" + runtime.GOARCH} {
		if !strings.Contains(out, want) {
			t.Errorf("text form lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runCLI(t, "version", "-o", "json")
	if code != exitOK {
		t.Fatalf("json: exit %d: %s", code, out)
	}
	var got version.Info
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got != version.Get() {
		t.Errorf("json %+v, want %+v", got, version.Get())
	}
	if _, _, code := runCLI(t, "version", "-o", "yaml"); code != exitInput {
		t.Errorf("-o yaml: exit %d, want %d", code, exitInput)
	}
}

func TestValidateTakesFileFlag(t *testing.T) {
	out, _, code := runCLI(t, "validate", "-f", "testdata/bad.yaml")
	if code != exitFailed || !strings.Contains(out, "testdata/bad.yaml: invalid") {
		t.Fatalf("-f bad.yaml: exit %d:\n%s", code, out)
	}
	out, _, code = runCLI(t, "validate", "-f", "../../examples/hello/acb.yaml", "testdata/bad.yaml", "--set", "REGISTRY1=a.io", "--set", "REGISTRY2=b.io")
	if code != exitFailed || !strings.Contains(out, "examples/hello/acb.yaml: valid") || !strings.Contains(out, "testdata/bad.yaml: invalid") {
		t.Fatalf("-f and an argument: exit %d:\n%s", code, out)
	}
	if _, errOut, code := runCLI(t, "validate"); code != exitInput || !strings.Contains(errOut, "-f FILE") {
		t.Fatalf("no file: exit %d: %s", code, errOut)
	}
}
