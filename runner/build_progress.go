package runner

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/docker/go-units"

	"github.com/acb-dev/acb/runner/engine"
)

// contextCounter counts the build context the engine reads and, when it
// has read all of it, writes the docker CLI's classic line "Sending build
// context to Docker daemon  200MB" to out, so a large context is not
// silence before the first build line.
//
// On a terminal (out is an engine.Terminal) the line is drawn as the
// context is read, at most every 100 ms, as the docker CLI draws it.
type contextCounter struct {
	r    io.Reader
	out  io.Writer
	n    int64
	once sync.Once
	last time.Time // last progress drawn on a terminal
}

// contextLine is the docker CLI's line for n bytes of context.
func contextLine(n int64) string {
	return "Sending build context to Docker daemon  " + units.HumanSizeWithPrecision(float64(n), 4)
}

func (c *contextCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	_, term := c.out.(engine.Terminal)
	if errors.Is(err, io.EOF) {
		c.once.Do(func() {
			prefix := ""
			if term {
				prefix = "\r\x1b[2K" // replace the progress drawn so far
			}
			fmt.Fprintf(c.out, "%s%s\n\n", prefix, contextLine(c.n))
		})
	} else if term && time.Since(c.last) >= 100*time.Millisecond {
		c.last = time.Now()
		fmt.Fprintf(c.out, "\r\x1b[2K%s", contextLine(c.n))
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
