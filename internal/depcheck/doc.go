// Package depcheck holds a test that keeps acb's dependency direction:
// cmd/acb → runner → graph, template, auth, secrets, with the Docker Engine
// API client behind runner/docker. It has no code of its own.
package depcheck
