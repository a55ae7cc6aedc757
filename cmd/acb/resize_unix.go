//go:build !windows

package main

import (
	"os"
	"os/signal"
	"syscall"
)

// notifyResize delivers the terminal's resize signal (SIGWINCH) to c.
func notifyResize(c chan<- os.Signal) { signal.Notify(c, syscall.SIGWINCH) }
