package docker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/runner/engine"
)

// ListRunObjects lists the containers (running or not), networks, volumes
// and images labelled engine.LabelRun, with any value when run is empty,
// else with that value: what acb runs created (acb clean). The order is
// containers, networks, volumes, images, each by name (engine.Sweeper).
func (e *Engine) ListRunObjects(ctx context.Context, run string) ([]engine.Object, error) {
	label := engine.LabelRun
	if run != "" {
		label += "=" + run
	}
	f := func() client.Filters { return client.Filters{}.Add("label", label) }
	var out []engine.Object
	cs, err := e.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f()})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	var part []engine.Object
	for _, c := range cs.Items {
		name := c.ID
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		part = append(part, engine.Object{Kind: "container", Name: name, Labels: c.Labels, Running: c.State == "running", Created: c.Created})
	}
	out = append(out, sorted(part)...)
	part = nil
	ns, err := e.cli.NetworkList(ctx, client.NetworkListOptions{Filters: f()})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", err)
	}
	for _, n := range ns.Items {
		part = append(part, engine.Object{Kind: "network", Name: n.Name, Labels: n.Labels})
	}
	out = append(out, sorted(part)...)
	part = nil
	vs, err := e.cli.VolumeList(ctx, client.VolumeListOptions{Filters: f()})
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	for _, v := range vs.Items {
		part = append(part, engine.Object{Kind: "volume", Name: v.Name, Labels: v.Labels})
	}
	out = append(out, sorted(part)...)
	part = nil
	is, err := e.cli.ImageList(ctx, client.ImageListOptions{Filters: f().Add("label", engine.LabelShellImage+"=true")})
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	for _, im := range is.Items {
		part = append(part, engine.Object{Kind: "image", Name: im.ID, Labels: im.Labels, Created: im.Created})
	}
	return append(out, sorted(part)...), nil
}

func sorted(l []engine.Object) []engine.Object {
	sort.Slice(l, func(i, j int) bool { return l[i].Name < l[j].Name })
	return l
}

// RemoveObject removes a listed object (containers forcibly, with their
// anonymous volumes). A missing object is not an error.
func (e *Engine) RemoveObject(ctx context.Context, o engine.Object) error {
	var err error
	switch o.Kind {
	case "container":
		err = e.RemoveContainer(ctx, o.Name)
	case "network":
		err = e.RemoveNetwork(ctx, o.Name)
	case "volume":
		err = e.RemoveVolume(ctx, o.Name)
	case "image":
		err = e.RemoveImage(ctx, o.Name)
	default:
		return fmt.Errorf("unknown object kind %q", o.Kind)
	}
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}
