package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/azurefake"
	"github.com/acb-dev/acb/internal/testenv"
)

// identityStep calls the step identity endpoint the ways the tests check:
// with the header (printing the answer and the SHA-256 of the token, which
// the masker hides), without it, and for a user-assigned identity. It is
// one line inside single quotes, so acb's parser passes it to the
// container's sh unexpanded.
const identityStep = `$BB sh -c 'env | grep -E "^(IDENTITY|MSI)_" | sort; ` +
	`q="api-version=2019-08-01&resource=https://management.azure.com/"; ` +
	`r=$(wget -q -O - --header "X-IDENTITY-HEADER: $IDENTITY_HEADER" "$IDENTITY_ENDPOINT?$q") || exit 1; echo "system: $r"; ` +
	`echo "$r" | cut -d\" -f4 | tr -d "\n" | sha256sum | sed "s/^/token-sha256: /"; ` +
	`wget -q -O - "$IDENTITY_ENDPOINT?$q" 2>&1 || echo refused-without-header; ` +
	`u=$(wget -q -O - --header "X-IDENTITY-HEADER: $IDENTITY_HEADER" "$IDENTITY_ENDPOINT?$q&client_id=$UAMI") || exit 1; echo "user: $u"'`

// TestE2EStepIdentity runs a step that asks acb's identity endpoint for
// tokens from inside a container (busybox wget), with --identity [system]
// backed by the fake App Service identity. Not parallel: it sets the
// process environment.
func TestE2EStepIdentity(t *testing.T) {
	testenv.RequireEngine(t)
	mi := azurefake.NewManagedIdentity(t)
	mi.SetEnv(t)
	uami := azurefake.NewGUID()
	id := testenv.RunID(t)
	dir := t.TempDir()
	task := "version: v1.1.0\nsteps:\n  - id: ask\n    env: [UAMI=" + uami + "]\n    cmd: |-\n      " +
		strings.ReplaceAll(identityStep, "$BB", testenv.BusyboxImage(t)) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "task.yaml"), []byte(task), 0o644); err != nil {
		t.Fatal(err)
	}
	r := acbRun(t, "run", "-f", "task.yaml", dir, "--id", id, "--unique-names", "--pull", "never", "--identity", "[system]")
	testenv.AssertNoLeftovers(t, id)
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}

	// The step got the four variables, secret masked.
	for _, want := range []string{"IDENTITY_HEADER=***\n", "MSI_SECRET=***\n", "IDENTITY_ENDPOINT=http://", "MSI_ENDPOINT=http://"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("step env lacks %q", want)
		}
	}
	// It received a token the fake minted for the resource it asked for.
	if !strings.Contains(r.out, `"resource":"https://management.azure.com/","token_type":"Bearer"`) {
		t.Errorf("no token answer for the resource in the output")
	}
	m := regexp.MustCompile(`token-sha256: ([0-9a-f]{64})`).FindStringSubmatch(r.out)
	if m == nil {
		t.Fatal("no token hash in the output")
	}
	minted := false
	for _, tok := range mi.Tokens() {
		sum := sha256.Sum256([]byte(tok))
		minted = minted || hex.EncodeToString(sum[:]) == m[1]
		if strings.Contains(r.out, tok) || strings.Contains(r.log, tok) {
			t.Error("a token appears in acb's output")
		}
	}
	if !minted {
		t.Error("the step's token was not minted by the fake identity")
	}
	// Without the header: refused.
	if !strings.Contains(r.out, "401 Unauthorized") || !strings.Contains(r.out, "refused-without-header") {
		t.Error("a request without X-IDENTITY-HEADER was not refused with 401")
	}
	// The user-assigned client id reached the upstream.
	if !strings.Contains(r.out, `"client_id":"`+uami+`"`) {
		t.Error("the user-assigned answer lacks its client_id")
	}
	var sawUser bool
	for _, req := range mi.Requests() {
		sawUser = sawUser || (req.ClientID == uami && req.Resource == "https://management.azure.com/")
	}
	if !sawUser {
		t.Errorf("the fake never saw client_id %s: %+v", uami, mi.Requests())
	}

	// Nothing listens after the run.
	ep := regexp.MustCompile(`at http://([0-9.]+:[0-9]+)/msi/token`).FindStringSubmatch(r.log)
	if ep == nil {
		t.Fatal("the log does not name the identity endpoint")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if c, err := (&net.Dialer{}).DialContext(ctx, "tcp", ep[1]); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after the run", ep[1])
	}
}
