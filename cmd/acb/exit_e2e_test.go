package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestExitCodeUsage checks that every command line cobra refuses exits 2
// with one line naming the problem, and nothing on stdout.
func TestExitCodeUsage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"run", "--no-such-flag"}, "unknown flag: --no-such-flag"},
		{[]string{"run", "--timeout", "soon"}, `invalid argument "soon" for "--timeout"`},
		{[]string{"run", "--parallelism"}, "flag needs an argument"},
		{[]string{"run", "a", "b"}, "accepts at most 1 arg(s), received 2"},
		{[]string{"render", "extra"}, `unknown command "extra"`},
		{[]string{"validate"}, "give at least one task file"},
		{[]string{"run", "--pull", "sometimes", "/dev/null"}, `--pull "sometimes"`},
		{[]string{"run", "--log-format", "xml", "/dev/null"}, `--log-format "xml"`},
		{[]string{"run", "-q", "-v", "/dev/null"}, "-q and -v"},
	} {
		out, errOut, code := runCLI(t, c.args...)
		if code != exitInput || !strings.Contains(errOut, c.want) || out != "" {
			t.Errorf("acb %s: exit %d, stderr %q, stdout %q; want exit %d and %q", strings.Join(c.args, " "), code, errOut, out, exitInput, c.want)
		}
	}
}

// TestExitCodeContextDownload checks the exit codes of a source context
// URL: an unreachable server and a server error are a network failure (3),
// a missing file is bad input (2). No engine is reached: the context is
// fetched first.
func TestExitCodeContextDownload(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/broken.tar.gz") {
			http.Error(w, "backend down", http.StatusServiceUnavailable)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	for _, c := range []struct {
		url  string
		code int
		want string
	}{
		{"http://" + closedAddr(t) + "/ctx.tar.gz", exitInfra, "connection refused"},
		{srv.URL + "/broken.tar.gz", exitInfra, "503 Service Unavailable"},
		{srv.URL + "/missing.tar.gz", exitInput, "404 Not Found"},
	} {
		_, errOut, code := runCLI(t, "run", c.url)
		if code != c.code || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "download ") {
			t.Errorf("acb run %s: exit %d, stderr %q; want exit %d and %q", c.url, code, errOut, c.code, c.want)
		}
	}
}

// TestExitCodeKeyVaultOutage checks that an unreachable Key Vault exits 3
// whether a task secret or a registry credential needed it (one set of Key
// Vault URL rules: a loopback emulator is a vault for both), and that a
// secret missing offline is bad input (2). All fail before any engine call.
func TestExitCodeKeyVaultOutage(t *testing.T) {
	kv, mi, _ := secretEmulator(t, "unused")
	down := "https://" + closedAddr(t) + "/secrets/gone"
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"secret.yaml": "secrets:\n  - id: gone\n    keyvault: " + down + "\nsteps:\n  - cmd: acbtest/busybox:1 true\n",
		"plain.yaml":  "steps:\n  - cmd: acbtest/busybox:1 true\n",
	})
	r := acbWithKeyVault(t, kv, mi, "run", "-f", "secret.yaml", dir, "--dry-run")
	if r.code != exitInfra || !strings.Contains(r.log, "gone") {
		t.Errorf("task secret, vault down: exit %d, want %d:\n%s", r.code, exitInfra, r.log)
	}
	r = acbWithKeyVault(t, kv, mi, "run", "-f", "plain.yaml", dir, "--dry-run",
		"--credential", "server=127.0.0.1:5999,username="+down+",password="+down+",identity=[system]")
	if r.code != exitInfra || !strings.Contains(r.log, "127.0.0.1:5999") || !strings.Contains(r.log, "unreachable") {
		t.Errorf("registry credential, vault down: exit %d, want %d:\n%s", r.code, exitInfra, r.log)
	}
	r = acbWithKeyVault(t, kv, mi, "run", "-f", "secret.yaml", dir, "--dry-run", "--offline")
	if r.code != exitInput {
		t.Errorf("task secret offline: exit %d, want %d:\n%s", r.code, exitInput, r.log)
	}
}

// TestExitCodeJSONErrors checks that with --log-format json every line is
// a JSON object on stdout, the CLI's error too (level error), followed by
// the run event, and that nothing goes to stderr.
func TestExitCodeJSONErrors(t *testing.T) {
	t.Parallel()
	out, errOut, code := runCLI(t, "run", "--log-format", "json", "-f", "missing.yaml", "/dev/null")
	if code != exitInput || errOut != "" {
		t.Fatalf("exit %d, want %d; stderr %q:\n%s", code, exitInput, errOut, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Errorf("not JSON: %q", l)
		}
	}
	if len(lines) < 2 {
		t.Fatalf("lines %q", lines)
	}
	var errEv, last map[string]any
	_ = json.Unmarshal([]byte(lines[len(lines)-2]), &errEv)
	_ = json.Unmarshal([]byte(lines[len(lines)-1]), &last)
	if errEv["level"] != "error" || errEv["event"] != "error" || !strings.Contains(errEv["msg"].(string), "missing.yaml") {
		t.Errorf("error event %v", errEv)
	}
	if last["event"] != "run" || last["exitCode"] != float64(exitInput) || last["status"] != "invalid" {
		t.Errorf("run event %v", last)
	}
}
