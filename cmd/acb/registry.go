package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/runner/output"
)

func newRegistryCommand(c *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "registry",
		Short: "Local registry helpers for offline runs",
	}
	cmd.AddCommand(newRegistryServeCommand(c))
	return cmd
}

func newRegistryServeCommand(c *cli) *cobra.Command {
	var addr, dir, dockerContext string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve an OCI registry on a local address until interrupted",
		Long: `serve runs an in-process OCI distribution registry (go-containerregistry's
pkg/registry). The Docker engine treats 127.0.0.0/8 registries as insecure, so
it pushes and pulls to it over plain HTTP. With --dir, blobs are kept on disk;
manifests and tags always live in memory and are lost when it stops.`,
		Example: `  acb registry serve --addr 127.0.0.1:5000
  acb registry serve --addr 127.0.0.1:5001 --dir /tmp/blobs`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := noteRemoteEngine(cmd.Context(), dockerContext, addr, c.out); err != nil {
				return err
			}
			return serveRegistry(cmd.Context(), c.out, addr, dir, verbose)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:5000", "address to listen on")
	cmd.Flags().StringVar(&dir, "dir", "", "directory for blobs (default: memory)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "log every request")
	addContextFlag(cmd.Flags(), &dockerContext)
	return cmd
}

// noteRemoteEngine says once, on log, when the engine runs would use is on
// another machine: its pushes to this registry's loopback address would go
// to that machine's loopback, not here. The registry serves anyway. An
// unknown context is invalid input, as for acb run.
func noteRemoteEngine(ctx context.Context, dockerContext, addr string, out *output.Sink) error {
	ep, err := resolveEngine(dockerContext)
	if err != nil {
		return err
	}
	if !engineIsLocal(ctx, ep.Host) {
		out.Event(output.Warn, output.EventWarning).Bare().Msgf("Registry unavailable to the engine: the Docker engine (%s) is not on this machine, "+
			"so its pushes to %s reach its own host; run acb registry serve there", ep, addr)
	}
	return nil
}

func serveRegistry(ctx context.Context, out *output.Sink, addr, dir string, verbose bool) error {
	logger := log.New(io.Discard, "", 0)
	if verbose {
		logger = log.New(out.LogWriter(output.EventLog), "registry: ", log.LstdFlags)
	}
	opts := []registry.Option{registry.Logger(logger)}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return asInput(fmt.Errorf("registry blob directory %s: %w", dir, err))
		}
		opts = append(opts, registry.WithBlobHandler(registry.NewDiskBlobHandler(dir)))
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return asInfra(fmt.Errorf("listen on %s: %w", addr, err))
	}
	srv := &http.Server{Handler: registry.New(opts...), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out.Result(), "Serving registry on %s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return asInfra(fmt.Errorf("registry on %s: %w", addr, err))
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return asInfra(fmt.Errorf("stop registry: %w", err))
	}
	return nil
}
