package docker

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acb-dev/acb/runner/docker/endpoint"
)

// TestServerInfoAskedOnce: the engine's version is asked once per Engine
// (the log lines and the BuildKit probe both want it); a failed answer is
// not kept.
func TestServerInfoAskedOnce(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "engine.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var asked atomic.Int32
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Api-Version", "1.41")
		switch {
		case r.URL.Path == "/_ping":
			_, _ = w.Write([]byte("OK"))
		case r.URL.Path == "/v1.41/version":
			if asked.Add(1) == 1 {
				http.Error(w, `{"message":"busy"}`, http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"Version":"20.10.24","ApiVersion":"1.41","Os":"linux","Arch":"amd64","Platform":{"Name":"Docker Engine - Community"}}`))
		default:
			http.NotFound(w, r)
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	ctx := context.Background()
	e, err := open(ctx, endpoint.Endpoint{Context: endpoint.DefaultContext, Host: "unix://" + sock}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if _, err := e.ServerInfo(ctx); err == nil {
		t.Fatal("the first answer was an error; ServerInfo succeeded")
	}
	for range 3 {
		info, err := e.ServerInfo(ctx)
		if err != nil || info.Version != "20.10.24" {
			t.Fatalf("ServerInfo = %+v, %v", info, err)
		}
	}
	if n := asked.Load(); n != 2 {
		t.Errorf("GET /version asked %d times, want 2 (one failure, then one answer kept)", n)
	}
}
