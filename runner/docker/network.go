package docker

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/acb-dev/acb/runner/engine"
)

// CreateNetwork creates a network with the spec's driver ("bridge" when
// empty), IPv6 setting and labels. A name already in use returns an error
// wrapping engine.ErrConflict (checked by acb on engines older than API
// 1.44, which otherwise accept duplicate names; see createUnique).
func (e *Engine) CreateNetwork(ctx context.Context, spec engine.NetworkSpec) error {
	opts := client.NetworkCreateOptions{Driver: spec.Driver, Labels: spec.Labels}
	if spec.IPv6 {
		on := true
		opts.EnableIPv6 = &on
	}
	if versions.LessThan(e.cli.ClientVersion(), "1.44") {
		return e.createUnique(ctx, spec.Name, opts)
	}
	_, err := e.createNetwork(ctx, spec.Name, opts)
	return err
}

func (e *Engine) createNetwork(ctx context.Context, name string, opts client.NetworkCreateOptions) (string, error) {
	cctx, cancelCreate := createContext(ctx)
	res, err := e.cli.NetworkCreate(cctx, name, opts)
	cancelCreate()
	if err != nil {
		return "", fmt.Errorf("create network %s: %w", name, mapErr(err))
	}
	return res.ID, nil
}

// createAttempts bounds createUnique's rounds; each lost round waits a
// random 10–50 ms times its number, so racing creators fall apart.
const createAttempts = 6

// createUnique creates a network on an engine that accepts duplicate
// names (before API 1.44; its CheckDuplicate is no longer sent by this
// client): a name in use is a conflict, and a create that raced another
// past that check (two runs starting at once) is undone by whichever
// creator sees the duplicate. A creator that saw none keeps its network;
// one that sees another removes its own and, if the name is then free,
// tries again, so exactly one network of the name survives and, unless
// all rounds are lost, one creator succeeds. Left alone, two networks of
// one name would make every later use of the name fail as "ambiguous",
// their removal included.
func (e *Engine) createUnique(ctx context.Context, name string, opts client.NetworkCreateOptions) error {
	for attempt := 1; ; attempt++ {
		exists, err := e.NetworkExists(ctx, name)
		if err != nil {
			return err
		}
		if exists {
			return fmt.Errorf("create network %s: %w", name, engine.ErrConflict)
		}
		id, err := e.createNetwork(ctx, name, opts)
		if err != nil {
			return err
		}
		alone, err := e.aloneWithName(ctx, name, id)
		if err == nil && alone {
			return nil
		}
		if err == nil {
			err = engine.ErrConflict
		}
		rmCtx, cancel := engine.Detached(ctx, cleanupTimeout)
		_, rmErr := e.cli.NetworkRemove(rmCtx, id, client.NetworkRemoveOptions{})
		cancel()
		if rmErr != nil {
			return fmt.Errorf("create network %s: %w (and removing it: %v)", name, err, rmErr)
		}
		if !errors.Is(err, engine.ErrConflict) || attempt == createAttempts {
			return fmt.Errorf("create network %s: %w", name, err)
		}
		wait := time.Duration(attempt) * (10*time.Millisecond + rand.N(40*time.Millisecond))
		select {
		case <-ctx.Done():
			return fmt.Errorf("create network %s: %w", name, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// aloneWithName reports whether the network id is the only one named
// name.
func (e *Engine) aloneWithName(ctx context.Context, name, id string) (bool, error) {
	list, err := e.cli.NetworkList(ctx, client.NetworkListOptions{Filters: client.Filters{}.Add("name", name)})
	if err != nil {
		return false, fmt.Errorf("list networks named %s: %w", name, mapErr(err))
	}
	for _, n := range list.Items {
		if n.Name == name && n.ID != id { // the filter matches substrings
			return false, nil
		}
	}
	return true, nil
}

// RemoveNetwork removes a network by name or id.
func (e *Engine) RemoveNetwork(ctx context.Context, name string) error {
	if _, err := e.cli.NetworkRemove(ctx, name, client.NetworkRemoveOptions{}); err != nil {
		return fmt.Errorf("remove network %s: %w", name, mapErr(err))
	}
	return nil
}

// NetworkExists reports whether a network with that exact name (or id)
// exists.
func (e *Engine) NetworkExists(ctx context.Context, name string) (bool, error) {
	res, err := e.cli.NetworkInspect(ctx, name, client.NetworkInspectOptions{})
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("inspect network %s: %w", name, err)
	}
	// Inspect also resolves id prefixes; only an exact name or id counts.
	return res.Network.Name == name || res.Network.ID == name, nil
}
