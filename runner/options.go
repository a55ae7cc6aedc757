package runner

import (
	"context"
	"io"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/args"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/identity"
	"github.com/acb-dev/acb/runner/output"
	"github.com/acb-dev/acb/runner/source"
)

// Pull policies for Options.Pull.
const (
	// PullMissing pulls an image only when the engine does not have it.
	PullMissing = "missing"
	// PullAlways pulls every image before running it.
	PullAlways = "always"
	// PullNever never pulls; a missing image fails the step.
	PullNever = "never"
)

// Prefix modes for Options.Prefix.
const (
	// PrefixAuto prefixes output lines with "<step> | " only when steps
	// may run in parallel.
	PrefixAuto = "auto"
	// PrefixAlways always prefixes output lines.
	PrefixAlways = "always"
	// PrefixNever never prefixes output lines (acr-builder's output).
	PrefixNever = "never"
)

// Options configures one Run. The zero value runs with unlimited
// parallelism, no run timeout, the "missing" pull policy, text logs and
// output discarded.
type Options struct {
	// RunID identifies the run: it labels every engine object (dev.acb.run)
	// and appears in FinalLine. Required: the id the task was rendered
	// with (load.Loaded.Data.Run.ID), generated once by package load.
	RunID string
	// Source is the prepared source context (see source.Prepare); nil
	// means none: the run volume starts empty.
	Source *source.Source

	// Output is where everything the run prints goes: acr-builder's log
	// lines, step output, masked with its Masker (to which the run adds the
	// files of secret volumes). Nil discards.
	Output *output.Sink
	// Prefix is PrefixAuto (default when empty), PrefixAlways or
	// PrefixNever; it only applies to text output.
	Prefix string

	// Parallelism bounds how many steps run at once; 0 means unlimited.
	Parallelism int
	// Timeout bounds the whole run, set-up and clean-up excluded; 0 means
	// none.
	Timeout time.Duration
	// Pull is the pull policy for cmd images: PullMissing (default when
	// empty), PullAlways or PullNever. A step's pull: true always pulls.
	Pull string
	// ImageMap rewrites images acb runs or pulls (not FROM lines of
	// builds): a key matches a whole reference exactly, or a repository
	// prefix at a path boundary ("mcr.microsoft.com/hello-world" →
	// "local/hello" turns "mcr.microsoft.com/hello-world:1" into
	// "local/hello:1"). The longest matching key wins.
	ImageMap map[string]string
	// UniqueNames names step containers "<id>-<run id prefix>" instead of
	// the bare step id, so concurrent runs on one engine do not collide.
	// The step id stays a DNS alias on the run network.
	UniqueNames bool
	// AllowHostShell lets cmd steps that need a shell (pipes, redirections,
	// command substitution) run as /bin/sh -c "docker run ..." on the host,
	// as acr-builder does. It needs the docker CLI on PATH.
	AllowHostShell bool
	// Workspace, when set, is an absolute host directory bound at
	// /workspace instead of a fresh run volume: created if missing, the
	// source context copied into it, never deleted. The engine must see
	// the host's file system (a local engine).
	Workspace string
	// Terminal is acb's terminal when its stdin is one; nil otherwise.
	// Interactive cmd steps (-i, -it) get it, one at a time; without it
	// their stdin is empty (interactive.go).
	Terminal Terminal
	// ShellStep, when set, is a cmd step that runs Shell (default
	// /bin/sh) interactively instead of its command, with its image,
	// mounts, env, working directory, user and network (acb shell STEP on
	// a task); Stdin feeds it when there is no Terminal.
	ShellStep string
	Shell     []string
	Stdin     io.Reader
	// KeepOnFailure keeps, when a step fails the run, the step's container
	// (cmd steps), the run's volumes and the networks it created, and
	// prints the commands to inspect and to remove them (keep.go).
	KeepOnFailure bool
	// Abort ends the clean-up at once (the CLI cancels it on a second
	// interrupt): what could not be removed is listed with the commands
	// that remove it. Nil: the clean-up runs to its time limit.
	Abort context.Context
	// Selection chooses the steps to run (--target, --only, --from,
	// --skip; see graph.DAG.Select); the zero value runs every step. An
	// unknown id or a selection of no step is an ErrInput error.
	Selection graph.Selection
	// DryRun prints the plan and touches no engine; the engine may be nil.
	DryRun bool

	// BuildKit builds every build step with the engine's BuildKit (acb run
	// --buildkit, a local speed-up), falling back to the classic builder
	// with one warning when the engine has none. Steps with
	// DOCKER_BUILDKIT=1 in their env or cache: enabled use BuildKit
	// regardless, as on ACR.
	BuildKit bool
	// BuildSecrets are the values `docker build --secret id=X` reads when
	// it names no src= or env=: the task's secrets by id.
	BuildSecrets map[string]string
	// SSHAuthSock is the ssh-agent socket `docker build --ssh default`
	// lends to the build ($SSH_AUTH_SOCK); "" for none.
	SSHAuthSock string

	// EngineLines are logged before anything else: which engine the run
	// uses (context, address, version), so a run on the wrong engine is
	// seen at once. Empty logs none.
	EngineLines []string
	// HostEngine points the docker CLI of host-shell steps
	// (AllowHostShell) at the run's engine; nil leaves the environment's.
	HostEngine *HostEngine
	// EngineSocket is the path, on the engine's host, of the engine's unix
	// socket, bind-mounted at /var/run/docker.sock in cmd step containers
	// so a step's docker talks to the run's engine. Empty means
	// /var/run/docker.sock.
	EngineSocket string

	// Logins are the run's registry logins, asked again at each use
	// (pushes, pulls, builds, the Docker configuration before each cmd
	// step), for credentials that expire during long runs, such as ACR
	// refresh tokens from an identity. They are written to the run's own
	// Docker config (never the user's). Every registry is verified with the
	// engine (like `docker login`) before the first step; a failure fails
	// the run with a *LoginError (errors.Is ErrLogin).
	Logins Logins
	// Keychain resolves credentials for registries not in Logins (pushes
	// and pulls). Nil means anonymous.
	Keychain func(registry string) (*engine.RegistryAuth, error)

	// RemoteDigest looks up digests of images the engine does not have,
	// for the dependency report; nil leaves them empty.
	RemoteDigest DigestResolver

	// StepIdentity, when set, is the task's identity, served to the cmd
	// step containers acb runs through the App Service managed-identity
	// protocol (IDENTITY_ENDPOINT, IDENTITY_HEADER) on the run network's
	// gateway, so `az login --identity` and the Azure SDKs work in steps
	// (see identity.go). Nil serves none.
	StepIdentity identity.TokenSource

	// Timing, when set, is told how long each part of the run took (the
	// Time* parts: set-up, its volume, networks and home volume, the
	// steps, clean-up and its parts), as each ends. acb run calls it with
	// ACB_TIMING=1 set; the benchmark harness reads it.
	Timing func(part string, elapsed time.Duration)

	// testHooks are set only by this package's tests.
	testHooks
}

// testHooks let the package's tests observe a run; importers cannot set
// them.
type testHooks struct {
	// scan is called for every build step between "Scanning for
	// dependencies..." and "Successfully scanned dependencies"; an error
	// fails the step.
	scan func(ctx context.Context, step *graph.Step, build *args.Build, dockerfile []byte) error
	// afterSuccess is called after each "Step ID: X marked as successful"
	// line of a successful run, in file order; an error fails the run.
	afterSuccess func(ctx context.Context, step *graph.Step, res *StepResult) error
}
