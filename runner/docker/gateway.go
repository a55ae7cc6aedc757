package docker

import (
	"context"
	"fmt"

	"github.com/moby/moby/client"
)

// NetworkGateway returns the IPv4 gateway address of a network, as its IPAM
// configuration records it (for a bridge network, the host's address on
// that bridge). A missing network returns an error wrapping
// engine.ErrNotFound; a network without an IPv4 gateway (host, none,
// macvlan without one) returns an error.
func (e *Engine) NetworkGateway(ctx context.Context, name string) (string, error) {
	res, err := e.cli.NetworkInspect(ctx, name, client.NetworkInspectOptions{})
	if err != nil {
		return "", fmt.Errorf("inspect network %s: %w", name, mapErr(err))
	}
	for _, c := range res.Network.IPAM.Config {
		if c.Gateway.IsValid() && c.Gateway.Unmap().Is4() {
			return c.Gateway.Unmap().String(), nil
		}
	}
	return "", fmt.Errorf("network %s has no IPv4 gateway", name)
}
