package docker

import (
	"fmt"
	"io"

	"github.com/containerd/console"
	"github.com/moby/buildkit/util/progress/progressui"

	"github.com/acb-dev/acb/runner/engine"
)

// buildKitDisplay returns the display of a BuildKit build's progress on
// out: drawn in place, as `docker buildx build` draws it, when out is a
// terminal (engine.Terminal); otherwise, or when the terminal is not one
// after all, BuildKit's plain "#N ..." lines.
func buildKitDisplay(out io.Writer) (progressui.Display, error) {
	if t, ok := out.(engine.Terminal); ok {
		if d, err := progressui.NewDisplay(consoleFile{t}, progressui.TtyMode); err == nil {
			return d, nil
		}
	}
	return progressui.NewDisplay(nonNil(out), progressui.PlainMode)
}

// consoleFile hands progressui a terminal writer as the console.File its
// tty display needs. Frames are written to the writer (so acb's masking
// stays in the way); the terminal's descriptor only serves the tty check
// and its size. The display never reads, and the terminal is acb's, so
// Read has nothing and Close leaves it open.
type consoleFile struct {
	engine.Terminal
}

var _ console.File = consoleFile{}

// Read implements console.File: there is no input.
func (consoleFile) Read([]byte) (int, error) { return 0, io.EOF }

// Close implements console.File and leaves the terminal open.
func (consoleFile) Close() error { return nil }

// Fd implements console.File: the terminal's descriptor.
func (f consoleFile) Fd() uintptr { return f.TerminalFd() }

// Name implements console.File.
func (f consoleFile) Name() string { return fmt.Sprintf("/dev/fd/%d", f.TerminalFd()) }
