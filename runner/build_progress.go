package runner

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/docker/go-units"
)

// contextCounter counts the build context the engine reads and, when it
// has read all of it, writes the docker CLI's classic line "Sending build
// context to Docker daemon  200MB" to out, so a large context is not
// silence before the first build line.
type contextCounter struct {
	r    io.Reader
	out  io.Writer
	n    int64
	once sync.Once
}

func (c *contextCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if errors.Is(err, io.EOF) {
		c.once.Do(func() {
			fmt.Fprintf(c.out, "Sending build context to Docker daemon  %s\n\n", units.HumanSizeWithPrecision(float64(c.n), 4))
		})
	}
	return n, err
}

// syncWriter serialises writes to w: the build's output and the context
// line come from two goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
