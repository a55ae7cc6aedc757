package main

import (
	"io"
	"os"
	"os/signal"
	"sync"

	"golang.org/x/term"

	"github.com/acb-dev/acb/runner"
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
	notifyResize(winch)
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

// stepTerminal lends acb's terminal to interactive steps (runner.Terminal).
// One goroutine reads the terminal for the rest of the process, started at
// the first step that needs it, and hands what it reads to the step
// attached at the time: a step that ends never leaves a reader behind
// that would swallow the next step's keys.
type stepTerminal struct {
	f    *os.File
	out  io.Writer
	once sync.Once
	keys chan []byte // closed at the end of the input (Ctrl-D, closed terminal)
}

// newStepTerminal returns a runner.Terminal for stdin when it is a
// terminal, else nil (a nil interface, not a typed nil).
func newStepTerminal(stdin io.Reader, out io.Writer) runner.Terminal {
	f := terminalOf(stdin)
	if f == nil {
		return nil
	}
	return &stepTerminal{f: f, out: out, keys: make(chan []byte)}
}

// Attach implements runner.Terminal.
func (t *stepTerminal) Attach(tty bool) (*runner.TerminalSession, error) {
	t.once.Do(func() {
		go func() { // reads until the terminal's input ends
			for {
				buf := make([]byte, 1024)
				n, err := t.f.Read(buf)
				if n > 0 {
					t.keys <- buf[:n]
				}
				if err != nil {
					close(t.keys)
					return
				}
			}
		}()
	})
	in := &sessionInput{keys: t.keys, done: make(chan struct{})}
	sess := &runner.TerminalSession{In: in, Out: t.out}
	restore := func() {}
	if tty {
		sizes, r, err := rawTerminal(t.f)
		if err != nil {
			return nil, err
		}
		sess.Resize, restore = sizes, r
	}
	var once sync.Once
	sess.Detach = func() {
		once.Do(func() {
			close(in.done)
			restore()
		})
	}
	return sess, nil
}

// sessionInput reads the terminal's keys until its session is detached.
type sessionInput struct {
	keys <-chan []byte
	done chan struct{}
	buf  []byte
}

func (s *sessionInput) Read(p []byte) (int, error) {
	if len(s.buf) == 0 {
		select {
		case b, ok := <-s.keys:
			if !ok {
				return 0, io.EOF
			}
			s.buf = b
		case <-s.done:
			return 0, io.EOF
		}
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// stepTerminal returns the run's terminal for interactive steps, made at
// the first call, so the runs of --watch share one reader of stdin.
func (rf *runFlags) stepTerminal(c *cli) runner.Terminal {
	if rf.terminal == nil {
		rf.terminal = newStepTerminal(c.stdin, c.stdout)
	}
	return rf.terminal
}
