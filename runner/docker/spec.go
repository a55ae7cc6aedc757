package docker

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/docker/go-connections/nat"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/runner/engine"
)

// createOptions translates an acb ContainerSpec into ContainerCreate options.
func createOptions(spec engine.ContainerSpec) (client.ContainerCreateOptions, error) {
	cfg := &container.Config{
		Image:      spec.Image,
		Cmd:        spec.Cmd,
		Entrypoint: spec.Entrypoint,
		Env:        spec.Env,
		WorkingDir: spec.WorkingDir,
		User:       spec.User,
		Labels:     spec.Labels,
		Tty:        spec.TTY,
		OpenStdin:  spec.OpenStdin,
		// Attach flags make the engine keep the streams for ContainerAttach;
		// they mirror `docker run` without -d.
		AttachStdout: true,
		AttachStderr: true,
	}
	host := &container.HostConfig{
		NetworkMode: container.NetworkMode(spec.Network),
		ExtraHosts:  spec.ExtraHosts,
		Privileged:  spec.Privileged,
		Isolation:   container.Isolation(spec.Isolation),
		AutoRemove:  spec.AutoRemove,
	}
	host.Memory = spec.MemoryBytes
	host.NanoCPUs = spec.NanoCPUs
	if spec.Init {
		initOn := true
		host.Init = &initOn
	}

	for _, m := range spec.Mounts {
		switch m.Type {
		case "volume":
			host.Mounts = append(host.Mounts, mount.Mount{
				Type: mount.TypeVolume, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly,
			})
		case "bind", "":
			// Binds (not Mounts) so a missing host directory is created, as
			// `docker run -v` does.
			b := m.Source + ":" + m.Target
			if m.ReadOnly {
				b += ":ro"
			}
			host.Binds = append(host.Binds, b)
		default:
			return client.ContainerCreateOptions{}, fmt.Errorf("mount %s: unknown type %q", m.Target, m.Type)
		}
	}

	if len(spec.Ports) > 0 || len(spec.Expose) > 0 {
		exposed, bindings, err := portConfig(spec.Ports, spec.Expose)
		if err != nil {
			return client.ContainerCreateOptions{}, err
		}
		cfg.ExposedPorts = exposed
		host.PortBindings = bindings
	}

	opts := client.ContainerCreateOptions{Name: spec.Name, Config: cfg, HostConfig: host}
	if userDefinedNetwork(spec.Network) {
		var aliases []string
		if spec.Name != "" {
			aliases = append(aliases, spec.Name)
		}
		for _, a := range spec.Aliases {
			if a != "" && a != spec.Name {
				aliases = append(aliases, a)
			}
		}
		opts.NetworkingConfig = &network.NetworkingConfig{
			EndpointsConfig: map[string]*network.EndpointSettings{
				spec.Network: {Aliases: aliases},
			},
		}
	}
	return opts, nil
}

// userDefinedNetwork reports whether name is a network that supports
// network-scoped aliases (not the default bridge, host, none or another
// container's namespace).
func userDefinedNetwork(name string) bool {
	switch name {
	case "", "default", "bridge", "host", "none":
		return false
	}
	return !strings.HasPrefix(name, "container:")
}

// portConfig parses `docker run -p` and `--expose` specs.
func portConfig(ports, expose []string) (network.PortSet, network.PortMap, error) {
	exposed := network.PortSet{}
	bindings := network.PortMap{}
	for _, raw := range ports {
		mappings, err := nat.ParsePortSpec(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("port %q: %w", raw, err)
		}
		for _, pm := range mappings {
			p, err := network.ParsePort(string(pm.Port))
			if err != nil {
				return nil, nil, fmt.Errorf("port %q: %w", raw, err)
			}
			var ip netip.Addr
			if pm.Binding.HostIP != "" {
				if ip, err = netip.ParseAddr(pm.Binding.HostIP); err != nil {
					return nil, nil, fmt.Errorf("port %q: %w", raw, err)
				}
			}
			exposed[p] = struct{}{}
			bindings[p] = append(bindings[p], network.PortBinding{HostIP: ip, HostPort: pm.Binding.HostPort})
		}
	}
	for _, raw := range expose {
		proto, portRange := nat.SplitProtoPort(raw)
		start, end, err := nat.ParsePortRangeToInt(portRange)
		if err != nil || portRange == "" {
			return nil, nil, fmt.Errorf("expose %q: invalid port range", raw)
		}
		for n := start; n <= end; n++ {
			p, err := network.ParsePort(fmt.Sprintf("%d/%s", n, proto))
			if err != nil {
				return nil, nil, fmt.Errorf("expose %q: %w", raw, err)
			}
			exposed[p] = struct{}{}
		}
	}
	return exposed, bindings, nil
}
