package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/docker/cli/pkg/kvfile"

	"github.com/acb-dev/acb/internal/inputfile"
)

// readEnvFiles reads --env-file files in the docker CLI's format (its own
// parser): KEY=VALUE lines taken as written (quotes included), a bare KEY
// taken from acb's environment when set there, blank lines and # comments
// skipped. Entries keep the files' order; later entries win.
func readEnvFiles(paths []string) ([]string, error) {
	var env []string
	for _, p := range paths {
		b, err := inputfile.Read(p, inputfile.MaxSize)
		if err != nil {
			return nil, fmt.Errorf("--env-file: %w", err)
		}
		entries, err := kvfile.ParseFromReader(bytes.NewReader(b), os.LookupEnv)
		if err != nil {
			return nil, fmt.Errorf("--env-file %s: %w", p, err)
		}
		env = append(env, entries...)
	}
	return env, nil
}

// lastWins keeps the last entry of each variable, in the order of those
// last entries (a process's getenv would see the first of two entries).
func lastWins(env []string) []string {
	last := map[string]int{}
	for i, e := range env {
		k, _, _ := strings.Cut(e, "=")
		last[k] = i
	}
	out := make([]string, 0, len(last))
	for i, e := range env {
		k, _, _ := strings.Cut(e, "=")
		if last[k] == i {
			out = append(out, e)
		}
	}
	return out
}
