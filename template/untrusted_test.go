package template

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestAliasSrcURLNotFetchedByDefault: without FetchURLs a URL src reaches no
// server; it is reported as a warning, with its query redacted.
func TestAliasSrcURLNotFetchedByDefault(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("x: remote\n"))
	}))
	t.Cleanup(srv.Close)
	src := []byte("version: v1.1.0\nalias:\n  src:\n    - " + srv.URL + "/a.yaml?sig=s3cret\nsteps: $x\n")
	doc, err := Expand(context.Background(), "task.yaml", src, testData(), Options{Dir: t.TempDir(), HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("server got %d requests; want none", n)
	}
	w := doc.Warnings.Error()
	if !strings.Contains(w, "task.yaml:4") || !strings.Contains(w, "not fetched") || !strings.Contains(w, srv.URL+"/a.yaml") || strings.Contains(w, "s3cret") {
		t.Errorf("warnings: %s", w)
	}
	doc, err = Expand(context.Background(), "task.yaml", src, testData(), Options{Dir: t.TempDir(), HTTPClient: srv.Client(), FetchURLs: true})
	if err != nil || hits.Load() != 1 || !strings.Contains(doc.Text, "steps: remote") {
		t.Fatalf("with FetchURLs: %v, %d requests, %q", err, hits.Load(), doc.Text)
	}
}

// TestAliasSrcConfined: local src files must be inside the root, symlinks
// followed; files outside are refused without quoting their content, and
// a FIFO is refused at once.
func TestAliasSrcConfined(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	hostFile := filepath.Join(outside, "shadow")
	if err := os.WriteFile(hostFile, []byte("root:$6$hash-content:19000:0:99999:7:::\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(hostFile, filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ok.yaml"), []byte("x: inside\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(dir, hostFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{hostFile, rel, "link.yaml", "fifo.yaml"} {
		src := []byte("version: v1.1.0\nalias:\n  src:\n    - " + ref + "\nsteps: $x\n")
		done := make(chan error, 1)
		go func() {
			_, err := Expand(context.Background(), filepath.Join(dir, "task.yaml"), src, testData(), Options{})
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || strings.Contains(err.Error(), "hash-content") || !strings.Contains(err.Error(), "task.yaml:4") {
				t.Errorf("src %s: err = %v; want a positioned refusal without the file's content", ref, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("src %s: Expand blocked", ref)
		}
	}
	doc, err := Expand(context.Background(), filepath.Join(dir, "task.yaml"), []byte("version: v1.1.0\nalias:\n  src: [ok.yaml]\nsteps: $x\n"), testData(), Options{})
	if err != nil || !strings.Contains(doc.Text, "steps: inside") {
		t.Fatalf("inside src: %v", err)
	}
	// A wider root (acb run's context) admits files below it.
	doc, err = Expand(context.Background(), filepath.Join(dir, "task.yaml"), []byte("version: v1.1.0\nalias:\n  src: [ok.yaml]\nsteps: $x\n"), testData(), Options{SrcRoot: filepath.Dir(dir)})
	if err != nil || !strings.Contains(doc.Text, "steps: inside") {
		t.Fatalf("with SrcRoot: %v", err)
	}
}

// TestGetHostByNameDoesNotResolve: getHostByName answers "" unless the
// render may resolve hosts.
func TestGetHostByNameDoesNotResolve(t *testing.T) {
	t.Parallel()
	if got := renderText(t, `{{ getHostByName "localhost" }}`, Data{}, RenderOptions{}); got != "" {
		t.Errorf("getHostByName localhost = %q; want \"\" without ResolveHosts", got)
	}
	got := renderText(t, `{{ getHostByName "localhost" }}`, Data{}, RenderOptions{ResolveHosts: true})
	if got != "127.0.0.1" && got != "::1" {
		t.Errorf("getHostByName localhost with ResolveHosts = %q", got)
	}
}
