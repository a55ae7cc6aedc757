package endpoint_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	cdocker "github.com/docker/cli/cli/context/docker"
	"github.com/docker/cli/cli/context/store"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/docker/endpoint"
)

// env is a fake environment for endpoint.Resolve.
type env map[string]string

func (e env) get(k string) string { return e[k] }

// writeContext stores a context the way `docker context create` does, with
// the docker CLI's own store.
func writeContext(t *testing.T, configDir, name, host string, tls map[string][]byte) {
	t.Helper()
	s := endpoint.NewStore(configDir)
	err := s.CreateOrUpdate(store.Metadata{
		Name:      name,
		Endpoints: map[string]any{cdocker.DockerEndpoint: cdocker.EndpointMeta{Host: host}},
		Metadata:  map[string]any{"Description": "acb test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if tls != nil {
		if err := s.ResetEndpointTLSMaterial(name, cdocker.DockerEndpoint, &store.EndpointTLSData{Files: tls}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestResolveOrderOfPreference(t *testing.T) {
	dir := t.TempDir()
	writeContext(t, dir, "flagged", "unix:///run/flagged.sock", nil)
	writeContext(t, dir, "envctx", "unix:///run/envctx.sock", nil)
	writeContext(t, dir, "current", "tcp://10.0.0.7:2375", nil)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"auths":{},"currentContext":"current"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	all := env{"DOCKER_CONFIG": dir, "DOCKER_HOST": "unix:///run/host.sock", "DOCKER_CONTEXT": "envctx"}
	cases := []struct {
		name, flag string
		unset      []string
		ctx, host  string
		source     string
	}{
		{"flag wins over everything", "flagged", nil, "flagged", "unix:///run/flagged.sock", endpoint.FromFlag},
		{"DOCKER_HOST before DOCKER_CONTEXT", "", nil, endpoint.DefaultContext, "unix:///run/host.sock", endpoint.FromHostEnv},
		{"DOCKER_CONTEXT before config.json", "", []string{"DOCKER_HOST"}, "envctx", "unix:///run/envctx.sock", endpoint.FromContextEnv},
		{"config.json currentContext", "", []string{"DOCKER_HOST", "DOCKER_CONTEXT"}, "current", "tcp://10.0.0.7:2375", endpoint.FromConfig},
		{"--context default is DOCKER_HOST", "default", nil, endpoint.DefaultContext, "unix:///run/host.sock", endpoint.FromFlag},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := env{}
			for k, v := range all {
				e[k] = v
			}
			for _, k := range c.unset {
				delete(e, k)
			}
			ep, err := endpoint.Resolve(endpoint.Options{Context: c.flag, Getenv: e.get})
			if err != nil {
				t.Fatal(err)
			}
			if ep.Context != c.ctx || ep.Host != c.host || ep.Source != c.source {
				t.Errorf("got context %q host %q source %q, want %q %q %q", ep.Context, ep.Host, ep.Source, c.ctx, c.host, c.source)
			}
		})
	}
}

func TestResolvePlatformDefault(t *testing.T) {
	ep, err := endpoint.Resolve(endpoint.Options{Getenv: env{"DOCKER_CONFIG": t.TempDir()}.get})
	if err != nil {
		t.Fatal(err)
	}
	if ep.Host != "unix:///var/run/docker.sock" || ep.Source != endpoint.FromDefault || ep.SocketPath() != "/var/run/docker.sock" {
		t.Errorf("default: %+v", ep)
	}
	if got := ep.Describe(); got != "unix:///var/run/docker.sock (default context)" {
		t.Errorf("Describe = %q", got)
	}
}

func TestUnknownContextIsInputError(t *testing.T) {
	dir := t.TempDir()
	for _, o := range []endpoint.Options{
		{Context: "nope", Getenv: env{"DOCKER_CONFIG": dir}.get},
		{Getenv: env{"DOCKER_CONFIG": dir, "DOCKER_CONTEXT": "nope"}.get},
	} {
		_, err := endpoint.Resolve(o)
		if !errors.Is(err, endpoint.ErrInput) || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("unknown context: %v, want an input error naming it", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"currentContext":"gone"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := endpoint.Resolve(endpoint.Options{Getenv: env{"DOCKER_CONFIG": dir}.get})
	if !errors.Is(err, endpoint.ErrInput) || !strings.Contains(err.Error(), `"gone"`) || !strings.Contains(err.Error(), "config.json") {
		t.Errorf("unknown current context: %v", err)
	}
}

func TestContextTLSMaterial(t *testing.T) {
	dir := t.TempDir()
	writeContext(t, dir, "tls", "tcp://127.0.0.1:2376", map[string][]byte{"ca.pem": []byte("CA"), "cert.pem": []byte("CERT"), "key.pem": []byte("KEY")})
	ep, err := endpoint.Resolve(endpoint.Options{Context: "tls", Getenv: env{"DOCKER_CONFIG": dir}.get})
	if err != nil {
		t.Fatal(err)
	}
	if string(ep.CA) != "CA" || string(ep.Cert) != "CERT" || string(ep.Key) != "KEY" || ep.SkipTLSVerify {
		t.Errorf("TLS material: %+v", ep)
	}
	if ep.SocketPath() != "" {
		t.Errorf("tcp endpoint has socket path %q", ep.SocketPath())
	}
}

func TestEnvironmentTLS(t *testing.T) {
	certs := t.TempDir()
	for name, body := range map[string]string{"ca.pem": "CA", "cert.pem": "CERT", "key.pem": "KEY"} {
		if err := os.WriteFile(filepath.Join(certs, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	base := env{"DOCKER_CONFIG": t.TempDir(), "DOCKER_HOST": "tcp://127.0.0.1", "DOCKER_CERT_PATH": certs}
	ep, err := endpoint.Resolve(endpoint.Options{Getenv: base.get})
	if err != nil {
		t.Fatal(err)
	}
	if ep.CA != nil || ep.Host != "tcp://127.0.0.1:2375" {
		t.Errorf("without DOCKER_TLS_VERIFY: TLS material read or wrong port: %+v", ep)
	}
	base["DOCKER_TLS_VERIFY"] = "1"
	ep, err = endpoint.Resolve(endpoint.Options{Getenv: base.get})
	if err != nil {
		t.Fatal(err)
	}
	if string(ep.CA) != "CA" || string(ep.Key) != "KEY" || ep.SkipTLSVerify || ep.Host != "tcp://127.0.0.1:2375" {
		t.Errorf("DOCKER_TLS_VERIFY: %+v", ep)
	}
	delete(base, "DOCKER_TLS_VERIFY")
	base["DOCKER_TLS"] = "1"
	ep, err = endpoint.Resolve(endpoint.Options{Getenv: base.get})
	if err != nil || !ep.SkipTLSVerify || string(ep.Cert) != "CERT" {
		t.Errorf("DOCKER_TLS without verify: %+v %v", ep, err)
	}
}

func TestSSHSocketPath(t *testing.T) {
	for host, want := range map[string]string{
		"ssh://me@build-host":                                "",
		"ssh://me@build-host:2222/run/user/1000/docker.sock": "/run/user/1000/docker.sock",
		"unix:///run/user/1000/podman/podman.sock":           "/run/user/1000/podman/podman.sock",
		"tcp://build-host:2376":                              "",
	} {
		if got := (endpoint.Endpoint{Host: host}).SocketPath(); got != want {
			t.Errorf("SocketPath(%s) = %q, want %q", host, got, want)
		}
	}
}

// TestReadsWhatTheDockerCLIWrites creates a context with the docker CLI on
// PATH and resolves it: the on-disk format is the CLI's, not a copy.
func TestReadsWhatTheDockerCLIWrites(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Fatalf("this test needs the docker CLI (scripts/ensure-docker.sh installs it): %v", err)
	}
	dir := t.TempDir()
	certs, err := testenv.WriteTLSFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(docker, "--config", dir, "context", "create", "from-cli",
		"--docker", "host=tcp://192.0.2.10:2376,ca="+certs.CA+",cert="+certs.Cert+",key="+certs.Key).CombinedOutput()
	if err != nil {
		t.Fatalf("docker context create: %v\n%s", err, out)
	}
	if out, err := exec.Command(docker, "--config", dir, "context", "use", "from-cli").CombinedOutput(); err != nil {
		t.Fatalf("docker context use: %v\n%s", err, out)
	}
	ep, err := endpoint.Resolve(endpoint.Options{Getenv: env{"DOCKER_CONFIG": dir}.get})
	if err != nil {
		t.Fatal(err)
	}
	if ep.Context != "from-cli" || ep.Source != endpoint.FromConfig || ep.Host != "tcp://192.0.2.10:2376" ||
		string(ep.CA) != readFile(t, certs.CA) || string(ep.Cert) != readFile(t, certs.Cert) || string(ep.Key) != readFile(t, certs.Key) {
		t.Errorf("context from the docker CLI: %+v", ep)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
