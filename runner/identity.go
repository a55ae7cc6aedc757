package runner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/acb-dev/acb/runner/identity"
)

// Step identity: with Options.StepIdentity, acb serves the task's managed
// identity to the containers it runs, as App Service does, so that
// `az login --identity` and the Azure SDKs work in steps unchanged.
//
//   - The endpoint listens on the gateway address of each network a cmd
//     step joins (the host's address on that bridge; 127.0.0.1 for the host
//     network), on a random port, never on all interfaces. It is started for
//     the default network during set-up and for other networks when the
//     first step on them starts, and stopped when the run ends.
//   - Requests must carry the run's random header secret. Tokens come from
//     Options.StepIdentity and are cached until shortly before expiry.
//   - Step containers get IDENTITY_ENDPOINT and IDENTITY_HEADER (App Service
//     2019-08-01, read by MSAL, azidentity and current azure-cli) and, as
//     App Service also sets them, MSI_ENDPOINT and MSI_SECRET (2017-09-01,
//     read by older SDKs). The step's own env overrides them. Build steps
//     get nothing: acb does not run their containers.
//   - The secret and every token served go into the masker of Options.Output.
//   - When the endpoint cannot listen (the engine runs on another machine
//     or in a VM, so the gateway is not a local address), acb logs
//     "Step identity unavailable: ..." once and runs without it. A network
//     without an IPv4 gateway (none, a macvlan without one) gets no
//     endpoint either; steps on it run without the variables.

// hostNetwork is the engine network whose containers share the host's
// network namespace.
const hostNetwork = "host"

// stepIdentity is the run's identity endpoint: one handler, one listener
// per network.
type stepIdentity struct {
	handler *identity.Handler
	secret  string // the handler's header secret, given to step containers

	mu       sync.Mutex
	off      bool              // listening failed once: no identity for the run
	servers  []*http.Server    // to close at the end
	lns      []net.Listener    // closed at the end, even before Serve runs
	serving  sync.WaitGroup    // Serve goroutines
	endpoint map[string]string // engine network → endpoint URL; "" = none
}

// startIdentity creates the identity endpoint when Options.StepIdentity is
// set and serves it on the default network. It never fails the run.
func (r *run) startIdentity(ctx context.Context) {
	if r.opts.StepIdentity == nil {
		return
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	secret := hex.EncodeToString(b)
	onErr := func(err error) {
		r.warnOnce("\x00identity-token", "", "WARNING: Step identity: a step's token request failed: %v", err)
	}
	si := &stepIdentity{
		handler:  identity.NewHandler(r.opts.StepIdentity, secret, r.c.masker, onErr),
		secret:   secret,
		endpoint: map[string]string{},
	}
	r.mu.Lock()
	r.ident = si
	r.mu.Unlock()
	if def := r.task.DefaultNetwork(); def != "" && !r.unusedNetworks {
		r.identityEnv(ctx, "", r.network(def))
	}
}

// identityEnv returns the identity variables for a container on network,
// starting the endpoint on that network's gateway if needed, or nil when
// the run serves no identity there.
func (r *run) identityEnv(ctx context.Context, step, network string) []string {
	r.mu.Lock()
	si := r.ident
	r.mu.Unlock()
	if si == nil || network == "none" {
		return nil
	}
	if network == "" {
		network = "bridge"
	}
	si.mu.Lock()
	defer si.mu.Unlock()
	if si.off {
		return nil
	}
	url, ok := si.endpoint[network]
	if !ok {
		url = si.listen(ctx, r, step, network)
		si.endpoint[network] = url
	}
	if url == "" {
		return nil
	}
	secret := si.secret
	return []string{
		"IDENTITY_ENDPOINT=" + url, "IDENTITY_HEADER=" + secret,
		"MSI_ENDPOINT=" + url, "MSI_SECRET=" + secret,
	}
}

// listen serves the handler on network's gateway and returns the endpoint
// URL, or "" (after logging why) when it cannot. si.mu is held.
func (si *stepIdentity) listen(ctx context.Context, r *run, step, network string) string {
	gw := "127.0.0.1"
	if network != hostNetwork {
		var err error
		gw, err = r.eng.NetworkGateway(ctx, network)
		if err != nil {
			r.c.warnf(step, "WARNING: Step identity unavailable on network %s: %v; steps on it run without IDENTITY_ENDPOINT", network, err)
			return ""
		}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(gw, "0"))
	if err != nil {
		si.off = true
		r.c.warnf(step, "WARNING: Step identity unavailable: cannot listen on %s, the gateway of network %s (is the Docker engine on another machine or in a VM?): %v; steps run without IDENTITY_ENDPOINT", gw, network, err)
		return ""
	}
	srv := &http.Server{
		Handler:           si.handler,
		ReadHeaderTimeout: 10 * time.Second,
	}
	si.servers = append(si.servers, srv)
	si.lns = append(si.lns, ln)
	si.serving.Add(1)
	go func() {
		defer si.serving.Done()
		_ = srv.Serve(ln) // returns at stopIdentity
	}()
	url := "http://" + ln.Addr().String() + identity.Path
	r.c.logf(step, evSetup, "Serving the task's identity to steps on network %s at %s", network, url)
	return url
}

// stopIdentity closes every identity listener; it is idempotent. After it
// returns nothing listens.
func (r *run) stopIdentity() {
	r.mu.Lock()
	si := r.ident
	r.mu.Unlock()
	if si == nil {
		return
	}
	si.mu.Lock()
	si.off = true
	for _, srv := range si.servers {
		_ = srv.Close() // closes the connections; Serve returns
	}
	for _, ln := range si.lns {
		_ = ln.Close() // Serve may not have started yet; a second close only errs
	}
	si.servers, si.lns = nil, nil
	si.mu.Unlock()
	si.serving.Wait()
}
