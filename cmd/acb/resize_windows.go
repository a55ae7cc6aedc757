package main

import "os"

// notifyResize does nothing on Windows, which has no resize signal: the
// terminal's size is sent once, when the shell starts.
func notifyResize(chan<- os.Signal) {}
