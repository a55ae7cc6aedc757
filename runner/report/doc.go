// Package report builds the dependency report that ACR Tasks prints after a
// successful run: for every image a build step produced, the image itself,
// its runtime base image, the base images of its other build stages and the
// git revision of the build context.
//
// The package is pure: it reads a Dockerfile with buildkit's parser and never
// talks to Docker or a registry. Digests are filled in later by the caller:
// [Refs] lists the references that still need one and [SetDigests] stores
// what the caller found.
//
// The flow for one build step is:
//
//	scan, err := report.Scan(dockerfile, report.ScanOptions{BuildArgs: args, Target: target})
//	// err != nil: print "WARNING: ..." and keep going with scan == nil
//	deps := report.ForBuild(tags, scan, gitRev)
//	// ... after the run: look up report.Refs(deps), then report.SetDigests
//	report.WriteYAML(log, deps)      // the layout ACR prints in run logs
//	report.WriteJSON(file, deps)     // acb's JSON, for --report-file
//
// Differences from Azure/acr-builder, on purpose:
//   - Dockerfiles are parsed with buildkit, so line continuations, heredocs,
//     "# escape=", "FROM --platform=..." and "${X:-default}" all work.
//   - A first path component with a "." or ":", or equal to "localhost", is a
//     registry ("localhost:5000/x" is not a Docker Hub user).
//   - "docker.io/x" and "index.docker.io/x" are reported as Docker Hub
//     (registry.hub.docker.com), like "x".
//   - FROM scratch is never reported; buildtime dependencies are listed in
//     file order, not map order.
//   - A Dockerfile that cannot be understood is an error the caller reports
//     as a warning instead of failing the run.
package report
