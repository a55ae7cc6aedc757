package docker

import (
	"context"
	"fmt"
	"strings"

	"github.com/moby/moby/client"
)

// Objects names engine objects: containers (by name), networks and volumes.
type Objects struct {
	Containers []string
	Networks   []string
	Volumes    []string
}

// Empty reports whether o names no object.
func (o Objects) Empty() bool {
	return len(o.Containers) == 0 && len(o.Networks) == 0 && len(o.Volumes) == 0
}

// ListLabeled lists the containers (running or not), networks and volumes
// carrying the label key=value, e.g. engine.LabelRun=<run id>, so a run's
// leftovers can be found and cleaned up.
func (e *Engine) ListLabeled(ctx context.Context, key, value string) (Objects, error) {
	f := func() client.Filters { return client.Filters{}.Add("label", key+"="+value) }
	var o Objects
	cs, err := e.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f()})
	if err != nil {
		return o, fmt.Errorf("list containers: %w", err)
	}
	for _, c := range cs.Items {
		name := c.ID
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		o.Containers = append(o.Containers, name)
	}
	ns, err := e.cli.NetworkList(ctx, client.NetworkListOptions{Filters: f()})
	if err != nil {
		return o, fmt.Errorf("list networks: %w", err)
	}
	// Networks of one name made by racing creates (engines before API 1.44)
	// can only be removed by id: their name is ambiguous to the engine.
	seen := make(map[string]int, len(ns.Items))
	for _, n := range ns.Items {
		seen[n.Name]++
	}
	for _, n := range ns.Items {
		if seen[n.Name] > 1 {
			o.Networks = append(o.Networks, n.ID)
			continue
		}
		o.Networks = append(o.Networks, n.Name)
	}
	vs, err := e.cli.VolumeList(ctx, client.VolumeListOptions{Filters: f()})
	if err != nil {
		return o, fmt.Errorf("list volumes: %w", err)
	}
	for _, v := range vs.Items {
		o.Volumes = append(o.Volumes, v.Name)
	}
	return o, nil
}

// ListContainers returns the names of the containers, running or not,
// labelled key=value.
func (e *Engine) ListContainers(ctx context.Context, key, value string) ([]string, error) {
	cs, err := e.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", key+"="+value)})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	names := make([]string, 0, len(cs.Items))
	for _, c := range cs.Items {
		name := c.ID
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		names = append(names, name)
	}
	return names, nil
}

// ListNetworks returns the names of the networks labelled key=value.
func (e *Engine) ListNetworks(ctx context.Context, key, value string) ([]string, error) {
	ns, err := e.cli.NetworkList(ctx, client.NetworkListOptions{Filters: client.Filters{}.Add("label", key+"="+value)})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", err)
	}
	names := make([]string, 0, len(ns.Items))
	for _, n := range ns.Items {
		names = append(names, n.Name)
	}
	return names, nil
}

// ListVolumes returns the names of the volumes labelled key=value.
func (e *Engine) ListVolumes(ctx context.Context, key, value string) ([]string, error) {
	vs, err := e.cli.VolumeList(ctx, client.VolumeListOptions{Filters: client.Filters{}.Add("label", key+"="+value)})
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	names := make([]string, 0, len(vs.Items))
	for _, v := range vs.Items {
		names = append(names, v.Name)
	}
	return names, nil
}
