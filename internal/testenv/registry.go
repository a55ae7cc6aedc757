package testenv

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

// Registry serves an in-process OCI registry (go-containerregistry's
// pkg/registry, in memory, logging silenced) on 127.0.0.1:<random port> until
// the test ends, and returns its "127.0.0.1:port" host. The Docker engine
// treats 127.0.0.0/8 as an insecure registry, so it can push to and pull
// from it over plain HTTP.
func Registry(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: registry listener: %v", err)
	}
	srv := &http.Server{
		Handler:           registry.New(registry.Logger(log.New(io.Discard, "", 0))),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("testenv: registry: %v", err)
		}
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return ln.Addr().String()
}
