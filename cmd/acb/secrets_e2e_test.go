package main

// End-to-end tests of task secrets on the real Docker engine: the ACR
// samples that read Key Vault (mounts-secrets.yaml, managed-identities.yaml)
// replayed offline with --secret and against a local Key Vault emulator, and
// a task whose secrets acb must never print.

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/acb-dev/acb/internal/azurefake"
	"github.com/acb-dev/acb/internal/samples"
	"github.com/acb-dev/acb/internal/testenv"
)

// sampleVaultURL is the Key Vault secret both samples read.
const sampleVaultURL = "https://myacbvault2.vault.azure.net/secrets/SampleSecret"

// secHelperEnv carries the arguments of acb in the helper process.
const secHelperEnv = "ACB_SECRETS_HELPER_ARGS"

// TestSecretsHelperProcess is not a test: the Key Vault tests re-run the
// test binary with it to run acb in a fresh process whose SSL_CERT_FILE
// trusts the Key Vault emulator (crypto/x509 reads the system roots once
// per process, so setting it in this process could come too late).
func TestSecretsHelperProcess(t *testing.T) {
	raw := os.Getenv(secHelperEnv)
	if raw == "" {
		t.Skip("helper process of the Key Vault end-to-end tests")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	code := run(ctx, args, strings.NewReader(""), os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

// acbWithKeyVault runs acb in a helper process that reaches the emulator kv
// as any user would: its certificate in SSL_CERT_FILE, the managed identity
// mi through IDENTITY_ENDPOINT and IDENTITY_HEADER (App Service), no other
// Azure configuration.
func acbWithKeyVault(t *testing.T, kv *azurefake.KeyVault, mi *azurefake.ManagedIdentity, args ...string) e2eResult {
	t.Helper()
	ca := filepath.Join(t.TempDir(), "keyvault-emulator.pem")
	if err := os.WriteFile(ca, kv.CertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	argv, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecretsHelperProcess$", "-test.count=1")
	for _, kvp := range os.Environ() {
		k, _, _ := strings.Cut(kvp, "=")
		if strings.HasPrefix(k, "AZURE_") || strings.HasPrefix(k, "IDENTITY_") || strings.HasPrefix(k, "MSI_") ||
			strings.HasPrefix(k, "IMDS_") || strings.HasPrefix(k, "SSL_CERT_") || strings.HasPrefix(k, "ACB_SECRET_") {
			continue
		}
		cmd.Env = append(cmd.Env, kvp)
	}
	cmd.Env = append(cmd.Env, secHelperEnv+"="+string(argv), "SSL_CERT_FILE="+ca,
		"IDENTITY_ENDPOINT="+mi.URL, "IDENTITY_HEADER="+mi.Secret)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := e2eResult{out: out.String(), log: errOut.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("helper process: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("acb %s\nexit %d\nstderr:\n%s\nstdout:\n%s", strings.Join(args, " "), r.code, r.log, r.out)
		}
	})
	return r
}

// sampleTaskDir copies the sample file into a new context directory, with
// its Key Vault URL replaced by vaultURL unless that is empty.
func sampleTaskDir(t *testing.T, file, vaultURL string) string {
	t.Helper()
	dir := samples.Dir()
	if dir == "" {
		t.Skip("../shared/acr-samples is absent: the secrets sample end-to-end tests need the shared ACR sample corpus beside the project")
	}
	b, err := os.ReadFile(filepath.Join(dir, "acr-tasks", file))
	if err != nil {
		t.Fatal(err)
	}
	if vaultURL != "" {
		b = bytes.ReplaceAll(b, []byte(sampleVaultURL), []byte(vaultURL))
	}
	ctx := t.TempDir()
	if err := os.WriteFile(filepath.Join(ctx, file), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// secretEmulator starts a Key Vault emulator holding SampleSecret=value
// that accepts the tokens of a fake managed identity, and returns the
// secret's URL.
func secretEmulator(t *testing.T, value string) (*azurefake.KeyVault, *azurefake.ManagedIdentity, string) {
	kv := azurefake.NewKeyVault(t)
	mi := azurefake.NewManagedIdentity(t)
	kv.AllowManagedIdentity(mi)
	kv.Set("SampleSecret", "", value)
	return kv, mi, kv.SecretURL("SampleSecret", "")
}

// assertNotPrinted fails if text holds a secret value in any form a leak
// would take: as is, trimmed, line by line, JSON-escaped or base64-encoded.
func assertNotPrinted(t *testing.T, what, text string, values ...string) {
	t.Helper()
	for _, v := range values {
		forms := []string{v, strings.TrimSpace(v)}
		if strings.Contains(v, "\n") {
			forms = append(forms, strings.Split(v, "\n")...)
		}
		j, _ := json.Marshal(v)
		forms = append(forms, strings.Trim(string(j), `"`))
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			forms = append(forms, enc.EncodeToString([]byte(v)))
		}
		for _, f := range forms {
			if len(f) >= 4 && strings.Contains(text, f) {
				t.Errorf("%s shows secret %q as %q", what, v, f)
			}
		}
	}
}

// TestE2EMountsSecretsSample runs acr-tasks/mounts-secrets.yaml, whose
// secret volume holds a Key Vault secret and a --set-secret value, from
// --secret (offline) and from the Key Vault emulator.
func TestE2EMountsSecretsSample(t *testing.T) {
	testenv.RequireEngine(t)
	bash := secBash(t)
	const kvValue, setValue = "kv-Sample$ecret`value`", "set-secret-Value-42"
	kv, mi, url := secretEmulator(t, kvValue)
	for _, path := range []string{"secret", "keyvault"} {
		t.Run(path, func(t *testing.T) {
			ctx := sampleTaskDir(t, "mounts-secrets.yaml", url)
			id := testenv.RunID(t)
			args := []string{"run", "-f", "mounts-secrets.yaml", ctx, "--id", id, "--unique-names", "--pull", "never",
				"--prefix", "never", "--image-map", "bash=" + bash, "--set-secret", "mysecret=" + setValue}
			var r e2eResult
			if path == "secret" {
				r = acbRun(t, append(args, "--offline", "--secret", "sampleSecret="+kvValue)...)
			} else {
				r = acbWithKeyVault(t, kv, mi, args...)
			}
			if r.code != exitOK {
				t.Fatalf("exit %d", r.code)
			}
			// cat prints both files back to back: each value is masked.
			if r.out != "******\n" && r.out != "******" {
				t.Errorf("stdout %q; want the two masked values", r.out)
			}
			assertNotPrinted(t, "acb", r.out+r.log, kvValue, setValue)
			testenv.AssertNoLeftovers(t, id)
		})
	}
}

// TestE2EManagedIdentitiesSample runs acr-tasks/managed-identities.yaml
// from --secret and from the Key Vault emulator. Its docker build of a
// GitHub repository and its az steps cannot run offline, so stand-in images
// replace the docker CLI image (tagging the local busybox image as the
// build's -t, through the real docker CLI on the mounted socket) and the
// azure-cli image (echoing its arguments); the push is real, to a local
// registry, and the test lists that registry's tags instead of az acr.
func TestE2EManagedIdentitiesSample(t *testing.T) {
	testenv.RequireEngine(t)
	bash := secBash(t)
	dockerCLI, az := secStandIns(t)
	const value = "mi-Secret-value-$HOME-`id`"
	kv, mi, url := secretEmulator(t, value)
	reg := testenv.Registry(t)
	for _, path := range []string{"secret", "keyvault"} {
		t.Run(path, func(t *testing.T) {
			ctx := sampleTaskDir(t, "managed-identities.yaml", url)
			id := testenv.RunID(t)
			t.Cleanup(func() { removeImage(t, reg+"/repo:"+id) })
			args := []string{"run", "-f", "managed-identities.yaml", ctx, "--id", id, "--registry", reg,
				"--unique-names", "--pull", "never", "--prefix", "never",
				"--alias", "bash=" + bash, "--alias", "az=" + az, "--image-map", "docker=" + dockerCLI,
				"--set", "registryName=" + reg}
			var r e2eResult
			if path == "secret" {
				r = acbRun(t, append(args, "--offline", "--secret", "name="+value)...)
			} else {
				r = acbWithKeyVault(t, kv, mi, args...)
			}
			if r.code != exitOK {
				t.Fatalf("exit %d", r.code)
			}
			for _, want := range []string{"Secret resolved\n", "stand-in docker build: " + reg + "/repo:" + id,
				"stand-in az: login --identity\n", "stand-in az: acr repository show-tags -n " + reg + " --repository repo\n"} {
				if !strings.Contains(r.out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.out)
				}
			}
			repo, err := name.NewRepository(reg+"/repo", name.Insecure)
			if err != nil {
				t.Fatal(err)
			}
			tags, err := remote.List(repo)
			if err != nil || !slices.Contains(tags, id) {
				t.Errorf("registry tags of repo: %v, %v; want %s pushed", tags, err, id)
			}
			assertNotPrinted(t, "acb", r.out+r.log, value)
			testenv.AssertNoLeftovers(t, id)
		})
	}
}

// secBash builds the bash stand-in of localImages under a tag of these
// tests' own, so that tests of other packages or files running at the same
// time cannot remove it under them.
func secBash(t *testing.T) string {
	t.Helper()
	tag := procTag("acbtest/e2e-secrets-bash")
	buildImage(t, tag, map[string]string{
		"Dockerfile": "FROM " + testenv.BusyboxImage(t) + "\nCOPY entry.sh /entry.sh\nENTRYPOINT [\"/entry.sh\"]\n",
		"entry.sh":   bashShim,
	})
	return tag
}

// secStandIns returns local stand-ins for the docker CLI image (the real
// static docker CLI of the host, whose "build -t TAG <remote context>"
// tags the local busybox image as TAG instead) and for the azure-cli image,
// removed when the test ends.
func secStandIns(t *testing.T) (dockerCLI, az string) {
	t.Helper()
	bb := testenv.BusyboxImage(t)
	dockerCLI, az = procTag("acbtest/e2e-docker-cli"), procTag("acbtest/e2e-az")
	buildImage(t, az, map[string]string{
		"Dockerfile": "FROM " + bb + "\nCOPY az.sh /az.sh\nENTRYPOINT [\"/az.sh\"]\n",
		"az.sh":      "#!/bin/sh\necho \"stand-in az: $*\"\n",
	})
	cli, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("no docker CLI on the host to build the docker CLI stand-in image")
	}
	bin, err := os.ReadFile(cli)
	if err != nil {
		t.Fatal(err)
	}
	script := `#!/bin/sh
if [ "$1" = build ]; then
  shift; tag=
  while [ $# -gt 0 ]; do case "$1" in -t) tag=$2; shift 2 ;; *) shift ;; esac; done
  echo "stand-in docker build: $tag"
  exec /usr/local/bin/docker tag ` + bb + ` "$tag"
fi
exec /usr/local/bin/docker "$@"
`
	buildImage(t, dockerCLI, map[string]string{
		"Dockerfile": "FROM " + bb + "\nCOPY docker /usr/local/bin/docker\nRUN chmod 755 /usr/local/bin/docker\n" +
			"COPY entry.sh /entry.sh\nENTRYPOINT [\"/entry.sh\"]\n",
		"docker":   string(bin),
		"entry.sh": script,
	})
	return dockerCLI, az
}

// TestE2EOfflineListsEveryMissingSecret checks that --offline fails before
// the first step, naming every secret it could not resolve locally.
func TestE2EOfflineListsEveryMissingSecret(t *testing.T) {
	testenv.RequireEngine(t)
	ctx := secEverywhereDir(t)
	id := testenv.RunID(t)
	r := acbRun(t, "run", "-f", "secrets-everywhere.yaml", ctx, "--id", id, "--unique-names", "--offline",
		"--secret", "multi=x-multi-value")
	if r.code != exitInput {
		t.Fatalf("exit %d; want %d", r.code, exitInput)
	}
	for _, want := range []string{"tricky", "simple", "--offline"} {
		if !strings.Contains(r.log, want) {
			t.Errorf("error lacks %q:\n%s", want, r.log)
		}
	}
	if strings.Contains(r.log, "Launching container") || strings.Contains(r.log, "Volume source") || r.out != "" {
		t.Errorf("a step or the setup ran before the error:\n%s%s", r.log, r.out)
	}
	testenv.AssertNoLeftovers(t, id)
}

// secEverywhereDir returns a context with secrets-everywhere.yaml and a
// Dockerfile for its build step.
func secEverywhereDir(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/secrets-everywhere.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secrets-everywhere.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	df := "FROM " + testenv.BusyboxTag + "\nCMD [\"true\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestE2ESecretsNeverPrinted runs a task that uses a multi-line secret
// (--secret-file), one with $, backticks and a newline (ACB_SECRET_TRICKY),
// one from --secret and a --set-secret value in env, secret volume files,
// echoed output, base64 output, output split across writes, an image tag
// and a failing step's error, in text and JSON, with a report file, and
// searches everything acb printed for every value and its base64 forms.
// It also checks the secret volume files byte for byte (md5), their owner
// and mode, and that the volumes are gone afterwards.
func TestE2ESecretsNeverPrinted(t *testing.T) {
	testenv.RequireEngine(t)
	bash := secBash(t)
	const (
		multi  = "first-multi-line\nsecond-multi-line\nthird-multi-line"
		tricky = "p$ss`w0rd`\nnext $(id) line"
		simple = "zz-s3cret-simple-0042"
		token  = "tok-Set-Secret-9f8e7d"
	)
	ctx := secEverywhereDir(t)
	secretFile := filepath.Join(t.TempDir(), "secrets.yaml")
	if err := os.WriteFile(secretFile, []byte("multi: |-\n  first-multi-line\n  second-multi-line\n  third-multi-line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ACB_SECRET_TRICKY", tricky)
	runAcb := func(extra ...string) (e2eResult, string) {
		id := testenv.RunID(t)
		t.Cleanup(func() { removeImage(t, simple+"-img:"+id) })
		report := filepath.Join(t.TempDir(), "report.json")
		args := append([]string{"run", "-f", "secrets-everywhere.yaml", ctx, "--id", id, "--unique-names",
			"--pull", "never", "--alias", "bash=" + bash, "--offline",
			"--secret-file", secretFile, "--secret", "simple=" + simple, "--set-secret", "token=" + token,
			"--report-file", report}, extra...)
		r := acbRun(t, args...)
		testenv.AssertNoLeftovers(t, id)
		rep, _ := os.ReadFile(report)
		return r, string(rep)
	}
	values := []string{multi, tricky, simple, token}

	r, rep := runAcb()
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	md5s := func(v string) string { s := md5.Sum([]byte(v)); return hex.EncodeToString(s[:]) }
	for _, want := range []string{
		"env=[***]", md5s(multi) + "  /run/creds/multi.txt", md5s(tricky) + "  /run/creds/tricky.txt",
		md5s(token) + "  /run/creds/token.txt", "mode=400 uid=0 /run/creds/multi.txt", "mode=400 uid=1000\n", "readable-by-1000\n",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if !strings.Contains(rep, "***-img") {
		t.Errorf("report file lacks the masked build tag:\n%s", rep)
	}
	assertNotPrinted(t, "text run", r.out+r.log, values...)
	assertNotPrinted(t, "report file", rep, values...)
	if t.Failed() {
		t.Logf("stdout:\n%s", r.out)
	}

	for _, format := range []string{"text", "json"} {
		r, rep := runAcb("--set", "fail=true", "--log-format", format)
		if r.code != exitFailed {
			t.Fatalf("%s: exit %d; want %d", format, r.code, exitFailed)
		}
		if !strings.Contains(r.log+r.out, "***:1") { // JSON: all on stdout
			t.Errorf("%s: the failing step's error does not show its masked image:\n%s%s", format, r.log, r.out)
		}
		assertNotPrinted(t, format+" run", r.out+r.log+rep, values...)
	}
}
