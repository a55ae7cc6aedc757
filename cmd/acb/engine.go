package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/acb-dev/acb/runner"
	"github.com/acb-dev/acb/runner/docker"
	"github.com/acb-dev/acb/runner/docker/endpoint"
)

// contextFlagUsage documents --context and the docker CLI's order of
// preference it completes.
const contextFlagUsage = "docker context to use (default: DOCKER_HOST, else DOCKER_CONTEXT, else the docker CLI's current context, else the local socket)"

// addContextFlag registers --context (no shorthand: -c is --commit, as in
// acr-builder).
func addContextFlag(f *pflag.FlagSet, p *string) {
	f.StringVar(p, "context", "", contextFlagUsage)
}

// resolveEngine chooses the engine as the docker CLI does; a bad choice
// (an unknown context, unreadable TLS files) is invalid input.
func resolveEngine(contextName string) (endpoint.Endpoint, error) {
	ep, err := endpoint.Resolve(endpoint.Options{Context: contextName})
	if errors.Is(err, endpoint.ErrInput) {
		return ep, asInput(err)
	}
	if err != nil {
		return ep, asInfra(err)
	}
	return ep, nil
}

// openEngine resolves and connects to the run's engine and returns the log
// lines naming it.
func openEngine(ctx context.Context, contextName string) (*docker.Engine, []string, error) {
	ep, err := resolveEngine(contextName)
	if err != nil {
		return nil, nil, err
	}
	eng, err := docker.Open(ctx, ep)
	if err != nil {
		return nil, nil, asInfra(err)
	}
	info, err := eng.ServerInfo(ctx)
	if err != nil {
		_ = eng.Close()
		return nil, nil, asInfra(err)
	}
	return eng, engineLines(ep, info), nil
}

// engineLines name the engine a run uses: where it is, who chose it, what it
// is, and what differs when it is Podman or not reached through a socket
// path acb knows.
func engineLines(ep endpoint.Endpoint, info docker.ServerInfo) []string {
	lines := []string{
		"Using Docker engine: " + ep.Describe(),
		fmt.Sprintf("Docker engine version: %s", info),
	}
	if info.Podman {
		lines = append(lines, "Podman: plain-HTTP registries (127.0.0.1 too) need insecure = true in its registries.conf; "+
			"steps reach each other by id only when its networks have DNS (aardvark-dns or CNI's dnsname); "+
			"no step identity endpoint (a network's bridge appears with its first container)")
	}
	if ep.SocketPath() == "" {
		lines = append(lines, fmt.Sprintf("Steps get %s of the engine's host as their Docker socket", "/var/run/docker.sock"))
	}
	return lines
}

// hostEngine is the run's engine for the docker CLI of host-shell steps.
func hostEngine(ep endpoint.Endpoint) *runner.HostEngine {
	return &runner.HostEngine{Host: ep.Host, CA: ep.CA, Cert: ep.Cert, Key: ep.Key, SkipTLSVerify: ep.SkipTLSVerify}
}
