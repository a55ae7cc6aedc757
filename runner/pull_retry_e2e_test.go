package runner

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/source"
)

// flakyRegistry serves an in-memory registry on loopback that refuses
// (404) every manifest read of the first failPulls pulls; a pull starts
// with a HEAD of the manifest (the engine resolves the tag first), so
// HEADs count the pulls. refused counts the refusals.
func flakyRegistry(t *testing.T, failPulls int32, refused *atomic.Int32) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	var pulls atomic.Int32
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0),
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/manifests/") && r.Method != http.MethodPut {
				n := pulls.Load()
				if r.Method == http.MethodHead {
					n = pulls.Add(1)
				}
				if n >= 1 && n <= failPulls {
					refused.Add(1)
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusNotFound)
					_, _ = io.WriteString(w, `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"flaky registry"}]}`)
					return
				}
			}
			reg.ServeHTTP(w, r)
		})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// TestIntegrationCmdDownloadRetries checks a cmd step's explicit pull
// (pull: true) is retried cmdDownloadRetries times, as on ACR: the registry
// refuses the manifest twice, the third pull succeeds and the step runs.
func TestIntegrationCmdDownloadRetries(t *testing.T) {
	t.Parallel()
	var refused atomic.Int32
	reg := flakyRegistry(t, 2, &refused)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM " + testenv.BusyboxImage(t) + "\nCMD [\"echo\", \"pulled\"]\n"})
	src, err := source.Prepare(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Cleanup()
	tag := reg + "/acbtest/pullretry:" + strconv.FormatInt(time.Now().UnixNano(), 36)
	removeImages(t, tag)
	r := runReal(t, testenv.Context(t, 3*time.Minute), `
steps:
  - id: build
    build: -t `+tag+` .
  - id: push
    push: ["`+tag+`"]
  - id: run
    cmd: `+tag+`
    pull: true
    cmdDownloadRetries: 2
    cmdDownloadRetryDelay: 1
`, Options{Source: src}, false)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if refused.Load() < 2 {
		t.Errorf("registry refused %d manifest requests, want at least 2", refused.Load())
	}
	assertSubsequence(t, logMessages(r.log), []string{
		"Step specified pull. Performing an explicit pull...",
		"Pulling " + tag + " failed (attempt 1 of 3): *",
		"Pulling " + tag + " failed (attempt 2 of 3): *",
		"Launching container with name: run-*",
	})
	if strings.Count(r.log, "; retrying in 1 seconds") != 2 {
		t.Error("the retry lines do not give the delay")
	}
	if !strings.Contains(r.out, "pulled\n") {
		t.Errorf("step output %q lacks the container's output", r.out)
	}
}
