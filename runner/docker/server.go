package docker

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/moby/moby/client"
)

// ServerInfo is what the engine says about itself.
type ServerInfo struct {
	// Product is the platform name ("Docker Engine - Community", "Docker
	// Desktop 4.49.0") or, for Podman, "Podman Engine"; may be empty.
	Product string
	// Version is the server version, e.g. "20.10.24+dfsg1" or Podman's
	// "4.3.1".
	Version string
	// APIVersion is the API version the client negotiated.
	APIVersion string
	// OS and Arch are the server's platform.
	OS, Arch string
	// Podman is true when the server reports a Podman component: Podman's
	// Docker-compatible service.
	Podman bool
}

// ServerInfo asks the engine for its version and product (GET /version)
// once per Engine: the first answer is kept (the engine's version does
// not change under a run, and the call costs ~8 ms on Engine 20.10);
// a failure is not.
func (e *Engine) ServerInfo(ctx context.Context) (ServerInfo, error) {
	e.server.mu.Lock()
	defer e.server.mu.Unlock()
	if e.server.ok {
		return e.server.info, nil
	}
	info, err := e.serverInfo(ctx)
	if err == nil {
		e.server.ok, e.server.info = true, info
	}
	return info, err
}

// serverInfoCache is the kept answer of ServerInfo.
type serverInfoCache struct {
	mu   sync.Mutex
	ok   bool
	info ServerInfo
}

func (e *Engine) serverInfo(ctx context.Context) (ServerInfo, error) {
	v, err := e.cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return ServerInfo{}, fmt.Errorf("engine version at %s: %w", e.ep, err)
	}
	info := ServerInfo{
		Product:    v.Platform.Name,
		Version:    v.Version,
		APIVersion: e.cli.ClientVersion(),
		OS:         v.Os,
		Arch:       v.Arch,
	}
	for _, c := range v.Components {
		if strings.Contains(strings.ToLower(c.Name), "podman") {
			info.Podman = true
			info.Product = c.Name
			info.Version = c.Version
		}
	}
	return info, nil
}

// String is the engine's self-description for log lines, e.g. "Docker
// Engine 20.10.24+dfsg1 (API 1.41, linux/amd64)" or "Podman Engine 4.3.1
// (API 1.41, linux/amd64)".
func (s ServerInfo) String() string {
	product := s.Product
	if product == "" || (!s.Podman && !strings.Contains(product, "Docker")) {
		product = "Docker Engine"
	}
	return fmt.Sprintf("%s %s (API %s, %s/%s)", product, s.Version, s.APIVersion, s.OS, s.Arch)
}
