package testenv

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
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
	return serveRegistry(t, registry.New(registry.Logger(log.New(io.Discard, "", 0))))
}

// serveRegistry serves h on a loopback port until the test ends and
// returns its address.
func serveRegistry(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: registry listener: %v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
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

// FlakyRegistry is Registry behind a loopback proxy that answers 500 to
// the first failures manifest PUTs (the last request of a push, which the
// engine does not retry itself), then serves normally. It returns the
// address and a counter of the manifest PUTs received.
func FlakyRegistry(t testing.TB, failures int32) (addr string, manifestPuts *atomic.Int32) {
	t.Helper()
	puts := &atomic.Int32{}
	inner := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	addr = serveRegistry(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/") {
			if n := puts.Add(1); n <= failures {
				_, _ = io.Copy(io.Discard, r.Body)
				http.Error(w, `{"errors":[{"code":"UNKNOWN","message":"injected failure"}]}`, http.StatusInternalServerError)
				return
			}
		}
		inner.ServeHTTP(w, r)
	}))
	return addr, puts
}
