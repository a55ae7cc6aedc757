// Command hello is the program the offline example builds into a FROM scratch
// image: a static binary that greets and reports where it runs.
package main

import (
	"fmt"
	"os"
)

func main() {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	fmt.Printf("Hello from acb! Running in container %s with args %q\n", host, os.Args[1:])
}
