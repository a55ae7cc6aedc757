package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/acb-dev/acb/auth"
	"github.com/acb-dev/acb/runner/identity"
	"github.com/acb-dev/acb/runner/output"
)

// stepTokenSource serves the task's identity (--identity) to steps from
// the run's identities (the same token sources as Key Vault reads and
// registry logins). A request without a client id gets the task's
// identity; a request naming a user-assigned identity's client id gets
// that managed identity. It is safe for concurrent use.
type stepTokenSource struct {
	identity string // as given to --identity
	ids      *auth.Identities
}

// newStepIdentity returns the token source for the steps of a run, or nil
// when steps get no identity: no --identity, or --no-step-identity. It
// fails when --identity is neither [system] nor a client id.
func newStepIdentity(rf *runFlags, ids *auth.Identities) (*stepTokenSource, error) {
	if rf.identity == "" || rf.noStepIdentity {
		return nil, nil
	}
	if _, err := ids.Source(rf.identity); err != nil {
		return nil, fmt.Errorf("--identity: %w", err)
	}
	return &stepTokenSource{identity: rf.identity, ids: ids}, nil
}

// Token implements identity.TokenSource.
func (s *stepTokenSource) Token(ctx context.Context, resource, clientID string) (string, time.Time, error) {
	id := clientID
	if id == "" {
		id = s.identity
	}
	ts, err := s.ids.Source(id)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("client_id: %w", err)
	}
	tok, err := ts.Token(ctx, resource)
	if err != nil {
		return "", time.Time{}, err
	}
	return tok.Value, tok.ExpiresOn, nil
}

// stepIdentityFor returns src as the runner's step identity, or nil when
// src is nil or the engine at host (the client's DOCKER_HOST) runs on
// another machine, where its networks' gateways are not this host's
// addresses; that is said once on log.
func stepIdentityFor(ctx context.Context, src *stepTokenSource, host string, out *output.Sink) identity.TokenSource {
	if src == nil {
		return nil
	}
	if !engineIsLocal(ctx, host) {
		out.Event(output.Warn, output.EventWarning).Bare().Msgf("Step identity unavailable: the Docker engine at %s is not on this machine; steps run without IDENTITY_ENDPOINT", host)
		return nil
	}
	return src
}

// engineIsLocal reports whether the engine address is on this machine: a
// unix socket or named pipe, or a TCP address that is loopback or one of
// this host's interface addresses. ssh:// and unresolvable hosts are not.
func engineIsLocal(ctx context.Context, host string) bool {
	u, err := url.Parse(host)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "unix", "npipe":
		return true
	case "tcp", "http", "https":
	default:
		return false
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, u.Hostname())
	if err != nil || len(ips) == 0 {
		return false
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, ip := range ips {
		if ip.IP.IsLoopback() {
			return true
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip.IP) {
				return true
			}
		}
	}
	return false
}
