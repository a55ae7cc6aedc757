package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

// Registry is an in-process OCI registry (go-containerregistry's
// pkg/registry) on a fixed 127.0.0.1 port whose storage Reset throws away,
// so every repetition pushes to an empty registry at the same address. The
// engine treats 127.0.0.0/8 as insecure and pushes over HTTP.
//
// Blobs go to a temporary directory, not memory: the peak RSS of a child
// process, read from wait4's rusage, can include the resident pages of the
// harness that spawned it, and blobs held in memory here inflated acb's
// measured memory during pushes.
type Registry struct {
	Addr    string // "127.0.0.1:port"
	dir     string // blob storage root; a fresh sub-directory per Reset
	srv     *http.Server
	handler atomic.Pointer[http.Handler]
	up      atomic.Int64 // request body bytes received since Reset
	done    chan struct{}
}

// StartRegistry listens on a random loopback port and serves until Close.
func StartRegistry() (*Registry, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("registry listener: %w", err)
	}
	dir, err := os.MkdirTemp("", "acbbench-registry-")
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("registry storage: %w", err)
	}
	r := &Registry{Addr: ln.Addr().String(), dir: dir, done: make(chan struct{})}
	r.Reset()
	r.srv = &http.Server{
		Handler:           http.HandlerFunc(r.serve),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(r.done)
		if err := r.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("bench: registry: %v", err)
		}
	}()
	return r, nil
}

// Reset replaces the registry's storage with an empty one and zeroes the
// upload counter.
func (r *Registry) Reset() {
	// Blobs of the previous repetition are deleted; a failure only leaves
	// files in the temporary directory, removed by Close.
	_ = os.RemoveAll(filepath.Join(r.dir, "blobs"))
	blobs := filepath.Join(r.dir, "blobs")
	_ = os.MkdirAll(blobs, 0o755)
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithBlobHandler(registry.NewDiskBlobHandler(blobs)))
	r.handler.Store(&h)
	r.up.Store(0)
}

// Uploaded returns the request body bytes received since Reset: proof that
// a push really sent its layers.
func (r *Registry) Uploaded() int64 { return r.up.Load() }

func (r *Registry) serve(w http.ResponseWriter, req *http.Request) {
	if req.Body != nil {
		req.Body = &countingBody{ReadCloser: req.Body, n: &r.up}
	}
	(*r.handler.Load()).ServeHTTP(w, req)
}

// countingBody counts the bytes read from a request body.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Close stops the registry.
func (r *Registry) Close(ctx context.Context) error {
	err := r.srv.Shutdown(ctx)
	<-r.done
	if rerr := os.RemoveAll(r.dir); rerr != nil && err == nil {
		err = fmt.Errorf("remove registry storage: %w", rerr)
	}
	return err
}
