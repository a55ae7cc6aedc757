package docker

import (
	"context"
	"errors"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/runner/engine"
)

// Login checks auth against its registry through the engine's /auth
// endpoint, as `docker login` does: the engine contacts the registry (plain
// HTTP for the insecure registries it is configured with, loopback among
// them), follows its Basic or Bearer challenge with the credential, and
// answers 401 when the registry refuses it. The error carries the engine's
// message, which names the registry's HTTP status; it never contains the
// password or token.
func (e *Engine) Login(ctx context.Context, auth engine.RegistryAuth) error {
	if auth.ServerAddress == "" {
		return errors.New("login: no registry address")
	}
	_, err := e.cli.RegistryLogin(ctx, client.RegistryLoginOptions{
		Username:      auth.Username,
		Password:      auth.Password,
		IdentityToken: auth.IdentityToken,
		ServerAddress: auth.ServerAddress,
	})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("login to %s: %w", auth.ServerAddress, ctx.Err())
		}
		if msg := err.Error(); !strings.Contains(msg, "401") &&
			(cerrdefs.IsUnauthorized(err) || strings.Contains(strings.ToLower(msg), "unauthorized")) {
			// With token-auth registries (ACR) the engine says only
			// "Get .../v2/: unauthorized": the token service refused the
			// credential with 401. Name the status as for basic auth.
			return fmt.Errorf("login to %s: %w (HTTP 401 Unauthorized)", auth.ServerAddress, err)
		}
		return fmt.Errorf("login to %s: %w", auth.ServerAddress, mapErr(err))
	}
	return nil
}
