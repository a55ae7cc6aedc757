package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/creack/pty"

	"github.com/acb-dev/acb/internal/testenv"
)

var (
	// bkTTYHeader is the header of BuildKit's tty display, redrawn in
	// place after moving the cursor up.
	bkTTYHeader = regexp.MustCompile(`\x1b\[\d+A(\x1b\[\d*G)?(\x1b\[\?25l)?\[\+\] Building `)
	// bkPlainLine is a line of BuildKit's plain progress.
	bkPlainLine = regexp.MustCompile(`#\d+ \[internal\] load build definition from Dockerfile`)
)

// TestE2EBuildKitTerminal builds with BuildKit through the acb binary: on
// a pseudo-terminal the progress is BuildKit's tty display (drawn in
// place, as docker buildx draws it), in a pipe its plain "#N" lines; a
// build secret the build prints is masked either way, also in the logs
// the tty display prints for a failed build.
func TestE2EBuildKitTerminal(t *testing.T) {
	t.Parallel()
	bb := testenv.BusyboxImage(t)
	bin := buildAcb(t)
	for _, tc := range []struct {
		name    string
		tty, ok bool
	}{
		{"tty", true, true},
		{"pipe", false, true},
		{"tty failing", true, false},
	} {
		id := e2eID("bt")
		tag := "acbtest/bktty-" + id + ":1"
		removeImageAtEnd(t, tag)
		secret := "tty-s3cr3t-" + id
		end := "sleep 1" // the tty display refreshes while the step runs
		if !tc.ok {
			end = "exit 3"
		}
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{
			"Dockerfile": "FROM " + bb + "\nRUN --mount=type=secret,id=tok sh -c 'echo \"" + id + " secret is $(cat /run/secrets/tok)\"; " + end + "'\n",
			"acb.yaml": "version: v1.1.0\nsecrets:\n  - id: tok\n    keyvault: https://acbtest.vault.azure.net/secrets/tok\n" +
				"steps:\n  - id: bk\n    build: -t " + tag + " --secret id=tok .\n    env: [\"DOCKER_BUILDKIT=1\"]\n",
		})
		cmd := exec.Command(bin, "run", dir, "--id", id, "--unique-names", "--offline", "--secret", "tok="+secret)
		var out []byte
		var err error
		if tc.tty {
			out, err = runOnPTYSize(t, cmd, &pty.Winsize{Cols: 160, Rows: 50})
		} else {
			out, err = cmd.CombinedOutput()
		}
		testenv.AssertNoLeftovers(t, id)
		s := string(out)
		if (err == nil) != tc.ok {
			t.Fatalf("%s: exit error %v, want success %v\n%q", tc.name, err, tc.ok, s)
		}
		if strings.Contains(s, secret) {
			t.Errorf("%s: the build secret is in the output:\n%q", tc.name, s)
		}
		if !strings.Contains(s, id+" secret is ***") && (!tc.tty || !tc.ok) {
			// On a terminal a passing step's log shows only while it runs
			// (a refresh may miss it); a failed step's is printed in full.
			t.Errorf("%s: the build's masked output line is missing:\n%q", tc.name, s)
		}
		drawn := bkTTYHeader.MatchString(s)
		plain := bkPlainLine.MatchString(s)
		if drawn != tc.tty || plain == tc.tty {
			t.Errorf("%s: tty display %v, plain lines %v:\n%q", tc.name, drawn, plain, s)
		}
		if !tc.tty && strings.Contains(s, "\x1b[") {
			t.Errorf("pipe: escape sequences in the output:\n%s", s)
		}
		if tc.ok && !strings.Contains(s, "Successfully executed container: bk") {
			t.Errorf("%s: no success line:\n%q", tc.name, s)
		}
	}
}
