// Package docker implements [engine.Engine] on the Docker Engine API through
// github.com/moby/moby/client. It is the only acb package that imports moby:
// no Docker API type crosses its exported surface.
package docker

import (
	"context"
	"fmt"
	"sync"
	"time"

	dcontext "github.com/docker/cli/cli/context"
	cdocker "github.com/docker/cli/cli/context/docker"
	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/runner/docker/endpoint"
	"github.com/acb-dev/acb/runner/engine"
)

// DefaultStopGrace is how long a cancelled container gets between SIGTERM
// and SIGKILL.
const DefaultStopGrace = 2 * time.Second

// cleanupTimeout bounds the calls made on a detached context after the
// caller's context was cancelled (stop, kill, removal of helper containers).
const cleanupTimeout = 30 * time.Second

// createTimeout bounds a create call (container, network, volume).
const createTimeout = 30 * time.Second

// createContext is the context of a create call: detached from ctx and
// bounded by createTimeout. A create the client abandons on cancellation
// can still complete on the engine, leaving an object no caller knows of;
// waiting for the engine's answer means the caller always knows what
// exists, and removes it.
func createContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return engine.Detached(ctx, createTimeout)
}

// Engine is an [engine.Engine] backed by a Docker engine. It is safe for
// concurrent use. Create it with [New] and release it with [Engine.Close].
type Engine struct {
	cli *client.Client
	ep  endpoint.Endpoint

	// StopGrace is how long a container whose RunContainer context was
	// cancelled gets between the stop signal and SIGKILL. It is rounded up to
	// whole seconds (the Engine API's unit); zero or less kills at once.
	StopGrace time.Duration

	helperMu    sync.Mutex
	helperReady bool // the volume helper image is known to exist

	bk     buildkitProbe   // the engine's BuildKit, probed once (buildkit.go)
	server serverInfoCache // the engine's version, asked once (server.go)
}

var _ engine.Engine = (*Engine)(nil)

// New connects to the Docker engine the docker CLI would use without
// flags (DOCKER_HOST, DOCKER_CONTEXT, the current context of the CLI's
// config.json, the platform default; see package endpoint), negotiates the
// API version and pings it. It fails with "cannot reach the Docker engine
// at X" when no engine answers.
func New(ctx context.Context) (*Engine, error) {
	ep, err := endpoint.Resolve(endpoint.Options{})
	if err != nil {
		return nil, err
	}
	return Open(ctx, ep)
}

// Open connects to the engine at ep, negotiates the API version and pings
// it. ssh:// endpoints go through the docker CLI's ssh connection helper
// (`ssh ... docker system dial-stdio` on the remote host); tcp endpoints use
// ep's TLS material, as the docker CLI does.
//
// The ping has PingTimeout: an engine that accepts the connection and never
// answers fails the open instead of holding acb.
func Open(ctx context.Context, ep endpoint.Endpoint) (*Engine, error) {
	return open(ctx, ep, PingTimeout)
}

// PingTimeout bounds the first request to an engine (ssh endpoints
// included, which start an ssh connection first).
const PingTimeout = 30 * time.Second

func open(ctx context.Context, ep endpoint.Endpoint, pingTimeout time.Duration) (*Engine, error) {
	cep := cdocker.Endpoint{EndpointMeta: cdocker.EndpointMeta{Host: ep.Host, SkipTLSVerify: ep.SkipTLSVerify}}
	if ep.CA != nil || ep.Cert != nil || ep.Key != nil {
		cep.TLSData = &dcontext.TLSData{CA: ep.CA, Cert: ep.Cert, Key: ep.Key}
	}
	opts, err := cep.ClientOpts()
	if err != nil {
		return nil, fmt.Errorf("docker client for %s: %w", ep, err)
	}
	cli, err := client.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("docker client for %s: %w", ep, err)
	}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if _, err := cli.Ping(pctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		_ = cli.Close()
		if ctx.Err() == nil && pctx.Err() != nil {
			return nil, fmt.Errorf("cannot reach the Docker engine at %s: no answer within %s", ep, pingTimeout)
		}
		return nil, fmt.Errorf("cannot reach the Docker engine at %s: %w", ep, err)
	}
	return &Engine{cli: cli, ep: ep, StopGrace: DefaultStopGrace}, nil
}

// Close releases the client's idle connections.
func (e *Engine) Close() error {
	return e.cli.Close()
}

// Host returns the engine address in use, e.g. "unix:///var/run/docker.sock"
// or "ssh://user@host".
func (e *Engine) Host() string {
	return e.ep.Host
}

// Endpoint returns the resolved endpoint the engine was opened with.
func (e *Engine) Endpoint() endpoint.Endpoint {
	return e.ep
}

// APIVersion returns the negotiated Engine API version, e.g. "1.41".
func (e *Engine) APIVersion() string {
	return e.cli.ClientVersion()
}
