package inputfile

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadRegular(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Read(p, 5)
	if err != nil || string(b) != "hello" {
		t.Fatalf("Read = %q, %v", b, err)
	}
	if _, err := Read(p, 4); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), p) {
		t.Fatalf("over the limit: %v", err)
	}
}

// TestReadRefusesBlockingFiles: a FIFO without a writer, /dev/zero and a
// directory are refused at once.
func TestReadRefusesBlockingFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, link, "/dev/zero", t.TempDir()} {
		done := make(chan error, 1)
		go func() { _, err := Read(p, MaxSize); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("Read(%s) = %v; want ErrNotRegular", p, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Read(%s) blocked", p)
		}
	}
}

func TestReadStream(t *testing.T) {
	b, err := ReadStream(context.Background(), "stdin", strings.NewReader("abc"), 3)
	if err != nil || string(b) != "abc" {
		t.Fatalf("ReadStream = %q, %v", b, err)
	}
	if _, err := ReadStream(context.Background(), "stdin", strings.NewReader("abcd"), 3); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	// A stream that never ends (an open pipe) gives way to the context.
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := ReadStream(ctx, "stdin", pr, MaxSize); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("blocked stream: %v", err)
	}
}

func TestInterruptible(t *testing.T) {
	b, err := io.ReadAll(Interruptible(context.Background(), strings.NewReader("line\n")))
	if err != nil || string(b) != "line\n" {
		t.Fatalf("ReadAll = %q, %v", b, err)
	}
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := io.ReadAll(Interruptible(ctx, pr)); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("blocked read: %v after %s", err, time.Since(start))
	}
}
