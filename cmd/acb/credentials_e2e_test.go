package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/acb-dev/acb/auth"
	"github.com/acb-dev/acb/internal/azurefake"
	"github.com/acb-dev/acb/internal/samples"
	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/engine"
)

// These tests run `acb run` in-process against the real Docker engine with
// loopback registries: two fake ACRs behind a fake App Service managed
// identity, and Debian's docker-registry with htpasswd. They change the
// process environment (t.Setenv), so none runs in parallel.

// runCLIIn runs acb with stdin and returns its output and exit code.
func runCLIIn(t *testing.T, ctx context.Context, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(ctx, args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

// randomSecret returns a random string that cannot appear by chance.
func randomSecret(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// checkNoSecrets fails if any secret appears in the output.
func checkNoSecrets(t *testing.T, output string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(output, s) {
			t.Errorf("output contains a secret (%.12s...)", s)
		}
	}
}

// removeImageAtEnd removes a local image reference when the test ends.
func removeImageAtEnd(t *testing.T, ref string) {
	t.Cleanup(func() { removeImage(t, ref) })
}

// copySample copies the multipleRegistries sample into a temporary
// context directory, or skips the test when ../shared is absent.
func copySample(t *testing.T) string {
	t.Helper()
	corpus := samples.Dir()
	if corpus == "" {
		t.Skip("../shared/acr-samples is absent: the multipleRegistries sample (builds and pushes to two registries) is needed")
	}
	multipleRegistries := filepath.Join(corpus, "acr-tasks", "multipleRegistries")
	dir := t.TempDir()
	for _, f := range []string{"testtask.yaml", "hello-world.dockerfile"} {
		b, err := os.ReadFile(filepath.Join(multipleRegistries, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runID is a run id usable in an image tag and as the leftover label.
func runID(t *testing.T) string {
	return strings.ToLower(strings.ReplaceAll(testenv.RunID(t), ".", "-"))
}

// TestRunPushesToTwoACRsWithManagedIdentity runs the multipleRegistries
// sample with identity=[system] logins to two fake ACRs, then has the
// engine pull back what was pushed and compares digests with the registry.
func TestRunPushesToTwoACRsWithManagedIdentity(t *testing.T) {
	dir := copySample(t)
	e := testenv.Engine(t)
	// ImageMap does not rewrite FROM lines: tag a local stand-in (as
	// TestE2ESamples does).
	buildImage(t, "mcr.microsoft.com/hello-world:latest", map[string]string{"Dockerfile": "FROM " + testenv.BusyboxImage(t) + "\nCMD [\"echo\", \"Hello from Docker!\"]\n"})

	azurefake.ClearEnv(t)
	mi := azurefake.NewManagedIdentity(t)
	mi.SetEnv(t)
	acr1, r1 := azurefake.StartACR(t, mi)
	acr2, r2 := azurefake.StartACR(t, mi)
	id := runID(t)
	refs := []string{r1 + "/hello-world:" + id, r2 + "/hello-world:" + id}
	for _, ref := range refs {
		removeImageAtEnd(t, ref)
	}

	ctx := testenv.Context(t, 5*time.Minute)
	stdout, stderr, code := runCLIIn(t, ctx, "", "run", "--unique-names", "-f", "testtask.yaml", dir, "--id", id,
		"--set", "REGISTRY1="+r1, "--set", "REGISTRY2="+r2,
		"--credential", "server="+r1+",identity=[system]",
		"--credential", "server="+r2+",identity=[system]")
	all := stdout + stderr
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, all)
	}
	if testing.Verbose() {
		t.Logf("output:\n%s", all)
	}
	for _, r := range []string{r1, r2} {
		for _, want := range []string{
			"Logging in to registry: " + r + " (identity: managed identity (App Service))",
			"Successfully logged into " + r,
		} {
			if !strings.Contains(stderr, want) {
				t.Errorf("log lacks %q:\n%s", want, stderr)
			}
		}
	}
	if strings.Index(stderr, "Successfully logged into") > strings.Index(stderr, "Executing step ID") {
		t.Errorf("logins are not before the first step:\n%s", stderr)
	}
	checkNoSecrets(t, all, append(mi.Tokens(), append(acr1.Tokens(), acr2.Tokens()...)...)...)
	for _, a := range []*azurefake.ACRTokenService{acr1, acr2} {
		if len(a.Exchanges()) == 0 || a.TokenCalls() == 0 {
			t.Errorf("a fake ACR saw %d exchanges and %d token calls", len(a.Exchanges()), a.TokenCalls())
		}
	}
	testenv.AssertNoLeftovers(t, id)

	// The engine pulls back what was pushed, with a fresh identity login.
	creds := []*auth.Credential{}
	for _, r := range []string{r1, r2} {
		c, err := auth.ParseCredential("server=" + r + ",identity=[system]")
		if err != nil {
			t.Fatal(err)
		}
		creds = append(creds, c)
	}
	logins, err := auth.Resolve(ctx, creds, auth.ResolveOptions{})
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	for i, r := range []string{r1, r2} {
		ref := refs[i]
		b, _, err := logins.Auth(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.RemoveImage(ctx, ref); err != nil {
			t.Fatalf("untag %s: %v", ref, err)
		}
		if err := e.Pull(ctx, ref, nil, nil); err == nil {
			t.Errorf("anonymous pull of %s succeeded", ref)
		}
		ra := &engine.RegistryAuth{Username: b.Username, Password: b.Password, ServerAddress: r}
		var out bytes.Buffer
		if err := e.Pull(ctx, ref, ra, &out); err != nil {
			t.Fatalf("engine pull %s: %v\n%s", ref, err, out.String())
		}
		info, err := e.InspectImage(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		nref, err := name.ParseReference(ref, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		desc, err := remote.Head(nref, remote.WithContext(ctx), remote.WithAuth(authn.FromConfig(authn.AuthConfig{Username: b.Username, Password: b.Password})))
		if err != nil {
			t.Fatalf("remote.Head %s: %v", ref, err)
		}
		want := r + "/hello-world@" + desc.Digest.String()
		found := false
		for _, d := range info.RepoDigests {
			found = found || d == want
		}
		if !found {
			t.Errorf("engine's repo digests %v lack %s", info.RepoDigests, want)
		}
		if !strings.Contains(stdout, desc.Digest.String()) {
			t.Errorf("the run's output does not show the pushed digest %s", desc.Digest)
		}
	}
}

// pushTask is a build and a push to registry R of an image based on the
// local busybox.
func pushTask(t *testing.T) string {
	t.Helper()
	testenv.BusyboxImage(t)
	dir := t.TempDir()
	files := map[string]string{
		"Dockerfile": "FROM " + testenv.BusyboxTag + "\nRUN echo built > /built.txt\n",
		"acb.yaml":   "version: v1.1.0\nsteps:\n  - build: -t {{.Values.R}}/creds/busybox:$ID -f Dockerfile .\n  - push: [\"{{.Values.R}}/creds/busybox:$ID\"]\n",
	}
	for n, body := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestRunPushesWithUsernamePassword pushes to docker-registry with htpasswd
// auth, the password from an environment variable and from stdin.
func TestRunPushesWithUsernamePassword(t *testing.T) {
	testenv.RequireEngine(t)
	pw := randomSecret(t, "pw-")
	reg := testenv.DistributionRegistry(t, testenv.DistributionOptions{Username: "acbuser", Password: pw})
	dir := pushTask(t)
	t.Setenv("ACB_TEST_REGISTRY_PASSWORD", pw)
	for _, tc := range []struct {
		name, cred, stdin string
	}{
		{"password-env", "server=" + reg + ",username=acbuser,password-env=ACB_TEST_REGISTRY_PASSWORD", ""},
		{"password-stdin", "server=" + reg + ",username=acbuser,password-stdin", pw + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := runID(t)
			ref := reg + "/creds/busybox:" + id
			removeImageAtEnd(t, ref)
			ctx := testenv.Context(t, 3*time.Minute)
			stdout, stderr, code := runCLIIn(t, ctx, tc.stdin, "run", "--unique-names", "-f", "acb.yaml", dir, "--id", id, "--set", "R="+reg, "--credential", tc.cred)
			if code != exitOK {
				t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
			}
			for _, want := range []string{"Logging in to registry: " + reg + " (username/password)", "Successfully logged into " + reg, "Successfully pushed image: " + ref} {
				if !strings.Contains(stderr, want) {
					t.Errorf("log lacks %q:\n%s", want, stderr)
				}
			}
			checkNoSecrets(t, stdout+stderr, pw)
			nref, _ := name.ParseReference(ref, name.Insecure)
			if _, err := remote.Head(nref, remote.WithContext(ctx), remote.WithAuth(&authn.Basic{Username: "acbuser", Password: pw})); err != nil {
				t.Errorf("the registry lacks %s: %v", ref, err)
			}
			testenv.AssertNoLeftovers(t, id)
		})
	}
}

// closedPortURL returns an http URL on 127.0.0.1 where nothing listens.
func closedPortURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/msi/token"
}

// TestRunLoginFailures checks that a credential that does not work fails
// the run before any step, with exit code 3, an error naming the registry,
// no secret in the output and nothing left on the engine.
func TestRunLoginFailures(t *testing.T) {
	testenv.RequireEngine(t)
	dir := pushTask(t)

	t.Run("wrong password", func(t *testing.T) {
		pw := randomSecret(t, "pw-")
		wrong := randomSecret(t, "wrong-")
		reg := testenv.DistributionRegistry(t, testenv.DistributionOptions{Username: "acbuser", Password: pw})
		t.Setenv("ACB_TEST_REGISTRY_PASSWORD", wrong)
		id := runID(t)
		removeImageAtEnd(t, reg+"/creds/busybox:"+id)
		stdout, stderr, code := runCLIIn(t, testenv.Context(t, 2*time.Minute), "", "run", "--unique-names", "-f", "acb.yaml", dir, "--id", id, "--set", "R="+reg,
			"--credential", "server="+reg+",username=acbuser,password-env=ACB_TEST_REGISTRY_PASSWORD")
		checkFailure(t, id, stdout, stderr, code, []string{reg, "401", "not retried", "--credential"}, pw, wrong)
		if !strings.Contains(stderr, "Logging in to registry: "+reg) || strings.Contains(stderr, "Successfully logged into") {
			t.Errorf("login lines:\n%s", stderr)
		}
	})

	identityCase := func(t *testing.T, breakIt func(mi *azurefake.ManagedIdentity, acr *azurefake.ACRTokenService), want []string) {
		t.Helper()
		azurefake.ClearEnv(t)
		mi := azurefake.NewManagedIdentity(t)
		mi.SetEnv(t)
		acr, reg := azurefake.StartACR(t, mi)
		breakIt(mi, acr)
		id := runID(t)
		stdout, stderr, code := runCLIIn(t, testenv.Context(t, 3*time.Minute), "", "run", "--unique-names", "-f", "acb.yaml", dir, "--id", id, "--set", "R="+reg,
			"--credential", "server="+reg+",identity=[system]")
		checkFailure(t, id, stdout, stderr, code, append([]string{reg}, want...), append(mi.Tokens(), acr.Tokens()...)...)
	}
	t.Run("identity endpoint refuses", func(t *testing.T) {
		identityCase(t, func(mi *azurefake.ManagedIdentity, _ *azurefake.ACRTokenService) { mi.FailWith(403) },
			[]string{"managed identity (App Service)", "403"})
	})
	t.Run("ACR refuses the exchange", func(t *testing.T) {
		identityCase(t, func(_ *azurefake.ManagedIdentity, acr *azurefake.ACRTokenService) { acr.RejectExchanges(401) },
			[]string{"managed identity (App Service)", "401"})
	})
	t.Run("identity endpoint unreachable", func(t *testing.T) {
		identityCase(t, func(*azurefake.ManagedIdentity, *azurefake.ACRTokenService) {
			t.Setenv("IDENTITY_ENDPOINT", closedPortURL(t))
		}, []string{"managed identity (App Service)"})
	})
}

// checkFailure asserts a run that failed at login: exit 3, no step run,
// the wanted words in the error, no secret in the output, no leftovers.
func checkFailure(t *testing.T, id, stdout, stderr string, code int, want []string, secrets ...string) {
	t.Helper()
	all := stdout + stderr
	if code != exitInfra {
		t.Errorf("exit %d, want %d:\n%s", code, exitInfra, all)
	}
	if strings.Contains(all, "Executing step ID") {
		t.Errorf("a step ran:\n%s", all)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	checkNoSecrets(t, all, secrets...)
	testenv.AssertNoLeftovers(t, id)
	if testing.Verbose() {
		t.Logf("output:\n%s", all)
	}
}
