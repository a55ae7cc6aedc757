package docker

import (
	"context"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/acb-dev/acb/runner/engine"
)

// CreateNetwork creates a network with the spec's driver ("bridge" when
// empty), IPv6 setting and labels. A name already in use returns an error
// wrapping engine.ErrConflict (checked before the create on engines older
// than API 1.44, which otherwise accept duplicate names).
func (e *Engine) CreateNetwork(ctx context.Context, spec engine.NetworkSpec) error {
	opts := client.NetworkCreateOptions{Driver: spec.Driver, Labels: spec.Labels}
	if spec.IPv6 {
		on := true
		opts.EnableIPv6 = &on
	}
	checkDup := versions.LessThan(e.cli.ClientVersion(), "1.44")
	if checkDup {
		// Engines before API 1.44 only refuse a duplicate name when asked
		// (CheckDuplicate, which this client no longer sends): check first.
		exists, err := e.NetworkExists(ctx, spec.Name)
		if err != nil {
			return err
		}
		if exists {
			return fmt.Errorf("create network %s: %w", spec.Name, engine.ErrConflict)
		}
	}
	cctx, cancelCreate := createContext(ctx)
	res, err := e.cli.NetworkCreate(cctx, spec.Name, opts)
	cancelCreate()
	if err != nil {
		return fmt.Errorf("create network %s: %w", spec.Name, mapErr(err))
	}
	if checkDup {
		return e.dropRacedDuplicate(ctx, spec.Name, res.ID)
	}
	return nil
}

// dropRacedDuplicate undoes a create that raced another one past the
// duplicate check (two runs starting at once on an old engine): only the
// oldest network of that name survives, the others are removed and get
// engine.ErrConflict. Left alone, both networks would make every later use
// of the name fail as "ambiguous", their removal included.
func (e *Engine) dropRacedDuplicate(ctx context.Context, name, id string) error {
	list, err := e.cli.NetworkList(ctx, client.NetworkListOptions{Filters: client.Filters{}.Add("name", name)})
	if err == nil {
		var oldest *network.Summary
		same := 0
		for i, n := range list.Items {
			if n.Name != name { // the filter matches substrings
				continue
			}
			same++
			if oldest == nil || n.Created.Before(oldest.Created) || n.Created.Equal(oldest.Created) && n.ID < oldest.ID {
				oldest = &list.Items[i]
			}
		}
		if same < 2 || oldest.ID == id {
			return nil
		}
		err = engine.ErrConflict
	}
	rmCtx, cancel := engine.Detached(ctx, cleanupTimeout)
	defer cancel()
	if _, rmErr := e.cli.NetworkRemove(rmCtx, id, client.NetworkRemoveOptions{}); rmErr != nil {
		return fmt.Errorf("create network %s: %w (and removing it: %v)", name, err, rmErr)
	}
	return fmt.Errorf("create network %s: %w", name, err)
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
