package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/acb-dev/acb/runner/engine"
)

// terminalOf returns r as a terminal file, or nil when r is not one.
func terminalOf(r io.Reader) *os.File {
	f, ok := r.(*os.File)
	if !ok || f == nil || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return f
}

// rawTerminal puts the terminal f in raw mode (keys, Ctrl-C included, go
// to the container's own terminal) and reports its size now and on every
// SIGWINCH. restore undoes both; call it exactly once.
func rawTerminal(f *os.File) (sizes <-chan engine.TermSize, restore func(), err error) {
	fd := int(f.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return nil, nil, err
	}
	ch := make(chan engine.TermSize, 4)
	send := func() {
		if w, h, err := term.GetSize(fd); err == nil && w > 0 && h > 0 {
			select {
			case ch <- engine.TermSize{Width: uint(w), Height: uint(h)}:
			default: // a newer size follows; never block the signal loop
			}
		}
	}
	send()
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	done := make(chan struct{})
	go func() { // ends at restore
		for {
			select {
			case <-winch:
				send()
			case <-done:
				return
			}
		}
	}()
	return ch, func() {
		signal.Stop(winch)
		close(done)
		_ = term.Restore(fd, old)
	}, nil
}
