// Package docker implements [engine.Engine] on the Docker Engine API through
// github.com/moby/moby/client. It is the only acb package that imports moby:
// no Docker API type crosses its exported surface.
package docker

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/runner/engine"
)

// DefaultStopGrace is how long a cancelled container gets between SIGTERM
// and SIGKILL.
const DefaultStopGrace = 2 * time.Second

// cleanupTimeout bounds the calls made on a detached context after the
// caller's context was cancelled (stop, kill, removal of helper containers).
const cleanupTimeout = 30 * time.Second

// Engine is an [engine.Engine] backed by a Docker engine. It is safe for
// concurrent use. Create it with [New] and release it with [Engine.Close].
type Engine struct {
	cli *client.Client

	// StopGrace is how long a container whose RunContainer context was
	// cancelled gets between the stop signal and SIGKILL. It is rounded up to
	// whole seconds (the Engine API's unit); zero or less kills at once.
	StopGrace time.Duration

	helperMu    sync.Mutex
	helperReady bool // the volume helper image is known to exist
}

var _ engine.Engine = (*Engine)(nil)

// New connects to the Docker engine described by the environment (DOCKER_HOST,
// DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION), negotiates the API
// version and pings it. It fails with "cannot reach the Docker engine at X"
// when no engine answers.
func New(ctx context.Context) (*Engine, error) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return nil, fmt.Errorf("docker client: %w", err)
	}
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		host := cli.DaemonHost()
		_ = cli.Close()
		return nil, fmt.Errorf("cannot reach the Docker engine at %s: %w", host, err)
	}
	return &Engine{cli: cli, StopGrace: DefaultStopGrace}, nil
}

// Close releases the client's idle connections.
func (e *Engine) Close() error {
	return e.cli.Close()
}

// Host returns the engine address in use, e.g. "unix:///var/run/docker.sock".
func (e *Engine) Host() string {
	return e.cli.DaemonHost()
}

// APIVersion returns the negotiated Engine API version, e.g. "1.41".
func (e *Engine) APIVersion() string {
	return e.cli.ClientVersion()
}
