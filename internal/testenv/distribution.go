package testenv

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// DistributionBinary is Debian's CNCF distribution registry (package
// docker-registry).
const DistributionBinary = "/usr/bin/docker-registry"

// DistributionOptions configures DistributionRegistry.
type DistributionOptions struct {
	// Username and Password, when both set, turn on htpasswd (basic) auth
	// with that single account.
	Username string
	Password string
}

// DistributionRegistry starts the CNCF distribution registry binary on
// 127.0.0.1:<free port> with filesystem storage in a test temp dir and,
// optionally, htpasswd auth. It waits until /v2/ answers, kills the process
// when the test ends, and returns its "127.0.0.1:port" host. It fails the
// test if the binary is missing.
func DistributionRegistry(t testing.TB, opts DistributionOptions) string {
	t.Helper()
	if _, err := os.Stat(DistributionBinary); err != nil {
		t.Fatalf("testenv: DistributionRegistry needs %s (apt-get install docker-registry): %v", DistributionBinary, err)
	}
	dir := t.TempDir()
	storage := filepath.Join(dir, "storage")
	if err := os.Mkdir(storage, 0o755); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	addr := freeAddr(t)

	auth := ""
	if opts.Username != "" && opts.Password != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(opts.Password), bcrypt.MinCost)
		if err != nil {
			t.Fatalf("testenv: bcrypt: %v", err)
		}
		htpasswd := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(htpasswd, []byte(opts.Username+":"+string(hash)+"\n"), 0o600); err != nil {
			t.Fatalf("testenv: %v", err)
		}
		auth = fmt.Sprintf("auth:\n  htpasswd:\n    realm: acb-test\n    path: %s\n", htpasswd)
	}
	config := fmt.Sprintf(`version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
%s`, storage, addr, auth)
	configPath := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(configPath, []byte(config), 0o644); err != nil {
		t.Fatalf("testenv: %v", err)
	}

	var logs syncBuffer
	cmd := exec.Command(DistributionBinary, "serve", configPath)
	cmd.Stdout = &logs
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("testenv: starting %s: %v", DistributionBinary, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/v2/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return addr
			}
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("testenv: %s exited early (%v):\n%s", DistributionBinary, err, logs.String())
		case <-ctx.Done():
			t.Fatalf("testenv: %s did not answer on %s/v2/ within 20s:\n%s", DistributionBinary, addr, logs.String())
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment
// ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: finding a free port: %v", err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// syncBuffer is a bytes.Buffer safe for a child process's output copiers and
// a concurrent reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
