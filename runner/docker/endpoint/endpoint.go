// Package endpoint resolves which Docker engine acb talks to, exactly as the
// docker CLI does: the --context flag, then DOCKER_HOST (with DOCKER_TLS,
// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), then DOCKER_CONTEXT, then
// currentContext in $DOCKER_CONFIG/config.json (default ~/.docker), then the
// platform default. Contexts are read with the docker CLI's own context store
// (github.com/docker/cli/cli/context/store), so their metadata and TLS
// material mean what they mean to `docker context`.
//
// It only resolves: runner/docker turns an Endpoint into an Engine API client.
package endpoint

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	dcontext "github.com/docker/cli/cli/context"
	cdocker "github.com/docker/cli/cli/context/docker"
	"github.com/docker/cli/cli/context/store"
	"github.com/docker/cli/opts"
)

// DefaultContext is the name of the context made of DOCKER_HOST, the TLS
// variables and the platform default, as in the docker CLI.
const DefaultContext = "default"

// Where the endpoint came from, for Endpoint.Source.
const (
	FromFlag       = "--context"
	FromHostEnv    = "DOCKER_HOST"
	FromContextEnv = "DOCKER_CONTEXT"
	FromConfig     = "config.json"
	FromDefault    = "default"
)

// ErrInput marks resolution errors caused by the user's configuration: an
// unknown context, a context without a Docker endpoint, unreadable TLS
// files, a malformed DOCKER_HOST.
var ErrInput = errors.New("invalid Docker engine configuration")

// Endpoint is a resolved Docker engine address with its TLS material.
type Endpoint struct {
	// Context is the docker context name ("default" when none is used).
	Context string
	// Source says what chose it: FromFlag, FromHostEnv, FromContextEnv,
	// FromConfig or FromDefault.
	Source string
	// Host is the engine address: unix:///path, tcp://host:port,
	// ssh://[user@]host[:port][/socket], npipe://...
	Host string
	// CA, Cert and Key are PEM TLS material for tcp hosts; all nil means no
	// TLS configuration (plain HTTP, or the default TLS settings).
	CA, Cert, Key []byte
	// SkipTLSVerify turns off server certificate verification.
	SkipTLSVerify bool
}

// Options are the inputs of Resolve besides the environment.
type Options struct {
	// Context is the --context flag; empty when not given.
	Context string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

// Resolve chooses the engine as the docker CLI would.
func Resolve(o Options) (Endpoint, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	configDir := ConfigDir(getenv)
	name, source, err := contextName(o.Context, getenv, configDir)
	if err != nil {
		return Endpoint{}, err
	}
	if name == DefaultContext {
		return defaultEndpoint(getenv, configDir, source)
	}
	return storedEndpoint(configDir, name, source)
}

// ConfigDir is the docker CLI's configuration directory: DOCKER_CONFIG, else
// ~/.docker.
func ConfigDir(getenv func(string) string) string {
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".docker")
}

// contextName applies the docker CLI's order of preference.
func contextName(flag string, getenv func(string) string, configDir string) (name, source string, err error) {
	switch {
	case flag != "":
		return flag, FromFlag, nil
	case getenv("DOCKER_HOST") != "":
		return DefaultContext, FromHostEnv, nil
	case getenv("DOCKER_CONTEXT") != "":
		return getenv("DOCKER_CONTEXT"), FromContextEnv, nil
	}
	current, err := currentContext(configDir)
	if err != nil {
		return "", "", err
	}
	if current != "" {
		return current, FromConfig, nil
	}
	return DefaultContext, FromDefault, nil
}

// currentContext reads currentContext from config.json; a missing file is
// no context.
func currentContext(configDir string) (string, error) {
	path := filepath.Join(configDir, "config.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", inputErrorf("docker CLI configuration: %w", err)
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return "", nil
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return "", inputErrorf("%s: %w", path, err)
	}
	return cfg.CurrentContext, nil
}

// defaultEndpoint is the "default" context: DOCKER_HOST or the platform
// default, TLS from DOCKER_TLS / DOCKER_TLS_VERIFY and DOCKER_CERT_PATH
// (default: the configuration directory), as the docker CLI's flags do.
func defaultEndpoint(getenv func(string) string, configDir, source string) (Endpoint, error) {
	tlsVerify := getenv("DOCKER_TLS_VERIFY") != ""
	useTLS := tlsVerify || getenv("DOCKER_TLS") != ""
	host, err := opts.ParseHost(useTLS, getenv("DOCKER_HOST"))
	if err != nil {
		return Endpoint{}, inputErrorf("DOCKER_HOST %q: %w", getenv("DOCKER_HOST"), err)
	}
	ep := Endpoint{Context: DefaultContext, Source: source, Host: host}
	if !useTLS {
		return ep, nil
	}
	certDir := getenv("DOCKER_CERT_PATH")
	if certDir == "" {
		certDir = configDir
	}
	data, err := tlsFiles(certDir)
	if err != nil {
		return Endpoint{}, inputErrorf("TLS material (DOCKER_CERT_PATH): %w", err)
	}
	if data != nil {
		ep.CA, ep.Cert, ep.Key = data.CA, data.Cert, data.Key
	}
	ep.SkipTLSVerify = !tlsVerify
	return ep, nil
}

// tlsFiles reads ca.pem, cert.pem and key.pem of dir, skipping absent ones
// (the docker CLI passes the three paths and reads those that exist).
func tlsFiles(dir string) (*dcontext.TLSData, error) {
	path := func(name string) string {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	return dcontext.TLSDataFromFiles(path("ca.pem"), path("cert.pem"), path("key.pem"))
}

// storedEndpoint reads context name from the docker CLI's context store.
func storedEndpoint(configDir, name, source string) (Endpoint, error) {
	s := NewStore(configDir)
	meta, err := s.GetMetadata(name)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return Endpoint{}, inputErrorf("docker context %q (from %s) does not exist in %s; "+
				"list them with `docker context ls`", name, source, filepath.Join(configDir, "contexts"))
		}
		return Endpoint{}, inputErrorf("docker context %q (from %s): %w", name, source, err)
	}
	epMeta, err := cdocker.EndpointFromContext(meta)
	if err != nil {
		return Endpoint{}, inputErrorf("docker context %q: %w", name, err)
	}
	full, err := cdocker.WithTLSData(s, name, epMeta)
	if err != nil {
		return Endpoint{}, inputErrorf("docker context %q: TLS material: %w", name, err)
	}
	ep := Endpoint{Context: name, Source: source, Host: epMeta.Host, SkipTLSVerify: epMeta.SkipTLSVerify}
	if ep.Host == "" {
		// The docker CLI leaves the host empty and the client falls back
		// to the platform default.
		ep.Host, _ = opts.ParseHost(false, "")
	}
	if full.TLSData != nil {
		ep.CA, ep.Cert, ep.Key = full.TLSData.CA, full.TLSData.Cert, full.TLSData.Key
	}
	return ep, nil
}

// NewStore opens the docker CLI's context store of configDir
// (configDir/contexts) with the Docker endpoint type registered, as the
// docker CLI does.
func NewStore(configDir string) *store.ContextStore {
	cfg := store.NewConfig(nil, store.EndpointTypeGetter(cdocker.DockerEndpoint, func() any { return &cdocker.EndpointMeta{} }))
	return store.New(filepath.Join(configDir, "contexts"), cfg)
}

// SocketPath is the engine's unix socket path on the engine's host: the
// path of a unix:// host, or of an ssh://host/path host. It is empty when
// the address names no socket (tcp, ssh without a path, npipe).
func (e Endpoint) SocketPath() string {
	u, err := url.Parse(e.Host)
	if err != nil {
		return ""
	}
	switch u.Scheme {
	case "unix":
		return u.Path
	case "ssh":
		if strings.Trim(u.Path, "/") != "" {
			return u.Path
		}
	}
	return ""
}

// Scheme is the address scheme: unix, tcp, ssh, npipe, fd.
func (e Endpoint) Scheme() string {
	s, _, _ := strings.Cut(e.Host, "://")
	return s
}

// String names the endpoint for log lines and errors: `context "x"
// (unix:///...)`, or the address alone for the default context.
func (e Endpoint) String() string {
	if e.Context != DefaultContext && e.Context != "" {
		return fmt.Sprintf("context %q (%s)", e.Context, e.Host)
	}
	return e.Host
}

// Describe is String with what chose the endpoint, e.g. `context "x"
// (unix:///...), from DOCKER_CONTEXT`.
func (e Endpoint) Describe() string {
	switch e.Source {
	case FromDefault, "":
		return e.String() + " (default context)"
	case FromConfig:
		return e.String() + ", the current context of the docker CLI's config.json"
	default:
		return e.String() + ", from " + e.Source
	}
}

// inputError is a resolution error caused by the user's configuration; it
// matches ErrInput and keeps the chain of what it wraps.
type inputError struct{ err error }

func (e *inputError) Error() string        { return e.err.Error() }
func (e *inputError) Unwrap() error        { return e.err }
func (e *inputError) Is(target error) bool { return target == ErrInput }

// inputErrorf builds an inputError; format may use %w.
func inputErrorf(format string, a ...any) error {
	return &inputError{err: fmt.Errorf(format, a...)}
}
