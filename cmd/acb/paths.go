package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// absDir resolves a path given on the command line against the current
// directory, as the docker CLI does; "" stays "". An existing path that
// is not a directory is an error.
func absDir(p string) (string, error) {
	if p == "" {
		return "", nil
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return "", fmt.Errorf("%s is not a directory", p)
	}
	return abs, nil
}
