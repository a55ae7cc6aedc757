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
//   - Buildtime dependencies are listed in file order, not map order.
//   - A Dockerfile that cannot be understood is an error the caller reports
//     as a warning instead of failing the run.
//
// What the runner (runner/dependencies.go) puts in the digest fields:
//   - A built tag: the manifest digest its push in the run returned; else a
//     repo digest of the built image in the local store for that repository
//     (pushed under another tag or by a cmd step's docker push); else, for
//     an image never pushed, its local image id ("docker image inspect"
//     .Id). The image id is the config digest with the classic image store,
//     not a manifest digest: it identifies the image on the engine that
//     built it but cannot be pulled by digest. acr-builder leaves it empty.
//     The registry is never asked about a built tag, because what it holds
//     under that name may be an earlier build. A build step that failed
//     (with ignoreErrors) leaves its tags' digests empty.
//   - A base: a repo digest from the local store (the classic builder pulls
//     bases there), else a registry HEAD, which acb's CLI makes only for
//     registries the run has credentials for or on loopback. Otherwise, as
//     for every digest nobody can know, it is empty; that never fails a run.
//   - git-head-revision: "git rev-parse HEAD" of the run's source context
//     when it is a git work tree, a directory inside one, or a cloned git
//     context; empty for a build step whose context is a remote URL.
package report
