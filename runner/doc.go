// Package runner executes a parsed ACR Tasks file (a *graph.Task) against a
// container engine (engine.Engine), reproducing acr-builder's behaviour and
// log lines while talking to the engine API directly instead of spawning
// the docker CLI.
//
// # Run sequence
//
// Run creates a per-run volume acb_vol_<uuid> (mounted at /workspace in
// every step) and fills it with the source context (see source.Prepare),
// creates the task's networks (acb_default_network unless the task
// declares others), writes a per-run Docker configuration with the run's
// registry logins (Options.Logins) into a home volume acb_home_<uuid>
// mounted at /acb/home (HOME=/acb/home; the user's own configuration is
// never used), and creates the secret volumes acb_secret_<name>_<uuid>.
// Every object carries the label dev.acb.run=<run id>.
//
// Steps run as a DAG: a step starts as soon as its own dependencies have
// finished (not level by level), at most Options.Parallelism at once. The
// first failing step without ignoreErrors fails the run: running steps are
// cancelled (their containers stopped) and dependants never start. Retries,
// repeat, startDelay and timeouts follow acr-builder (behaviour §5.6).
//
// Clean-up runs on every exit path, including cancellation and timeouts,
// on a context detached from the caller's: step containers (unless keep:
// true), detached containers, created networks and all volumes are
// removed, and failures are logged.
//
// # Decisions
//
//   - cmd steps run the image directly (no host shell). Step text that
//     needs a shell (pipes, redirections, $(...)) is refused unless
//     Options.AllowHostShell, which runs /bin/sh -c "docker run ..." on the
//     host like acr-builder and needs the docker CLI. Literal $NAME words
//     are passed to the container unchanged, with one warning per step.
//   - Container names are the step ids, as in acr-builder; with
//     Options.UniqueNames they are "<id>-<run id prefix>" (the id stays a
//     DNS alias) and created networks get a "_<run id prefix>" suffix, so
//     concurrent runs on one engine do not collide. A name already in use
//     fails the step at once, without retries.
//   - Options.ImageMap rewrites the images of cmd steps and the pulls acb
//     does; it does not rewrite FROM lines of builds (tag local images for
//     those) nor push references.
//   - Build contexts come from the run volume as earlier steps left it,
//     streamed through a .dockerignore filter; -f is relative to the
//     context (or absolute inside /workspace). git and tarball URLs are
//     fetched by the engine. Builds use the classic builder.
//   - keep: true containers survive the run (acr-builder removes them);
//     the volumes they mount are kept with them, and both are logged.
//   - Output lines are prefixed "<step> | " when steps may overlap
//     (Options.Prefix "auto"); a task that is a single chain prints
//     container output verbatim, like acr-builder.
//   - Every log and output line passes through Options.Output (package output), masked.
//   - With Options.StepIdentity, cmd step containers get the task's
//     identity through an App Service managed-identity endpoint that acb
//     serves on the run network's gateway for the run's lifetime
//     (IDENTITY_ENDPOINT, IDENTITY_HEADER; see identity.go).
//
// # Errors
//
// Run returns a *StepError when a step failed (the task failed; its text
// is acr-builder's "failed to run step ID: X: <err>", a deadline shown as
// "timed out"), an error wrapping ErrInput for unusable input (bad
// options, source context, a step needing a host shell), and an error
// wrapping ErrEngine when the engine failed outside a step (volumes,
// networks, copies). A container's non-zero exit is an *ExitError
// ("exit status N") inside the StepError.
package runner
