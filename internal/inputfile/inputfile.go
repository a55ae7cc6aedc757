// Package inputfile reads the files a user or a task file names (task
// files, values and secret files, alias src files) so that no input can
// hang or exhaust acb: only regular files are read (a FIFO or a device
// such as /dev/zero is refused before it is opened for a blocking read),
// and at most a size limit. Streams that must be read (stdin) are read
// within a context, so an interrupt ends the wait.
package inputfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// MaxSize is the limit for task, values and secret files: far above any
// real one, far below what would exhaust memory.
const MaxSize = 16 << 20

// ErrTooLarge is wrapped by the error for an input over its size limit.
var ErrTooLarge = errors.New("too large")

// ErrNotRegular is wrapped by the error for an input that is not a regular
// file.
var ErrNotRegular = errors.New("not a regular file")

// Read returns the content of the regular file at path, which must hold at
// most max bytes. Errors name the path.
func Read(path string, max int64) ([]byte, error) {
	if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if err := check(path, fi, max); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should path have become a FIFO since the Stat, the open
	// must not wait for a writer. It does not affect regular files.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := check(path, fi, max); err != nil {
		return nil, err
	}
	return readLimited(path, f, max)
}

func check(path string, fi os.FileInfo, max int64) error {
	if !fi.Mode().IsRegular() {
		what := "a directory"
		if !fi.IsDir() {
			what = "a " + fi.Mode().Type().String() + " file (FIFO, device or socket)"
		}
		return fmt.Errorf("%s: %w: it is %s, which acb does not read", path, ErrNotRegular, what)
	}
	if fi.Size() > max {
		return tooLarge(path, max)
	}
	return nil
}

func tooLarge(path string, max int64) error {
	return fmt.Errorf("%s: %w: larger than the %s limit", path, ErrTooLarge, human(max))
}

func human(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

func readLimited(name string, r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > max {
		return nil, tooLarge(name, max)
	}
	return b, nil
}

// ReadStream reads at most max bytes from r (stdin), giving up when ctx
// ends: a blocked read of a terminal or pipe cannot otherwise be
// interrupted. name is used in errors.
func ReadStream(ctx context.Context, name string, r io.Reader, max int64) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := readLimited(name, r, max)
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		return res.b, res.err
	case <-ctx.Done():
		// The reader goroutine stays blocked until the process exits.
		return nil, fmt.Errorf("read %s: %w", name, context.Cause(ctx))
	}
}

// Interruptible returns a reader of r whose reads give up when ctx ends,
// for reads that wait on a person or a pipe (a password on stdin): a
// blocked read cannot otherwise be interrupted. A read abandoned that way
// finishes in the background; its bytes are dropped.
func Interruptible(ctx context.Context, r io.Reader) io.Reader {
	return &ctxReader{ctx: ctx, r: r}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, context.Cause(c.ctx)
	}
	type result struct {
		n   int
		err error
	}
	buf := make([]byte, len(p)) // the abandoned read must not write into p later
	done := make(chan result, 1)
	go func() {
		n, err := c.r.Read(buf)
		done <- result{n, err}
	}()
	select {
	case res := <-done:
		copy(p, buf[:res.n])
		return res.n, res.err
	case <-c.ctx.Done():
		return 0, context.Cause(c.ctx)
	}
}
