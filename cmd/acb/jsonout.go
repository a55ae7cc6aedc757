package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// jsonRequested reports whether the command line asks for --log-format
// json, read before cobra parses it so that a refused command line is a
// JSON line too.
func jsonRequested(args []string) bool {
	for i, a := range args {
		switch {
		case a == "--":
			return false
		case a == "--log-format=json":
			return true
		case a == "--log-format" && i+1 < len(args) && args[i+1] == "json":
			return true
		}
	}
	return false
}

// isRunCommand reports whether args run acb run (its first word that is
// not a flag).
func isRunCommand(args []string) bool {
	for _, a := range args {
		if a == "" || a[0] != '-' {
			return a == "run"
		}
	}
	return false
}

// fallbackWriter writes to w and, once w fails (a closed stdout), to
// fallback: JSON lines go to stdout only, unless stdout cannot be written.
type fallbackWriter struct {
	w, fallback io.Writer
	failed      bool // guarded by the sink's mutex, which serialises writes
}

func (f *fallbackWriter) Write(p []byte) (int, error) {
	if !f.failed {
		if _, err := f.w.Write(p); err == nil {
			return len(p), nil
		}
		f.failed = true
	}
	return f.fallback.Write(p)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// colorWanted reports whether step output keeps its ANSI colours: only
// when both of acb's streams are terminals and NO_COLOR is unset
// (https://no-color.org).
func colorWanted(stdout, stderr io.Writer) bool {
	return os.Getenv("NO_COLOR") == "" && isTerminal(stdout) && isTerminal(stderr)
}
