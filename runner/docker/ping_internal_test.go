package docker

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/runner/docker/endpoint"
)

// TestOpenHungEngine: an engine that accepts the connection and never
// answers fails the open after the ping timeout, with a message saying so.
func TestOpenHungEngine(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "hung.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c) // never read, never answered
		}
	}()
	start := time.Now()
	_, err = open(context.Background(), endpoint.Endpoint{Context: endpoint.DefaultContext, Host: "unix://" + sock}, 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "no answer within 300ms") {
		t.Fatalf("open = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("open gave up after %s", d)
	}
}
