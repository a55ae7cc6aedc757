package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/auth"
	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/internal/inputfile"
	"github.com/acb-dev/acb/runner"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/load"
	"github.com/acb-dev/acb/runner/output"
	"github.com/acb-dev/acb/runner/source"
	"github.com/acb-dev/acb/secrets"
)

// runFlags are acb run's own flags, besides the shared load flags.
type runFlags struct {
	timeout          time.Duration
	parallelism      int
	pull             string
	imageMap         []string
	dryRun           bool
	logFormat        string
	prefix           string
	uniqueNames      bool
	allowHostShell   bool
	credentials      []string
	registryIdentity string
	offline          bool
	buildKit         bool // every build step on the engine's BuildKit
	reportFile       string
	resultFile       string // --result-file: the run's result for CI (record.go)
	junitFile        string // --junit: one JUnit test case per step
	quiet, verbose   bool   // -q, -v
	identity         string // the task's identity, served to steps
	noStepIdentity   bool
	selection        graph.Selection // --target, --only, --from, --skip
	workspace        string          // host directory bound at /workspace
	dockerContext    string          // --context
	keepOnFailure    bool
	shellOnFailure   bool
	watch            bool
	shellStep        string          // acb shell STEP on a task (shell.go)
	terminal         runner.Terminal // made once: --watch runs share its one reader (term.go)
	shell            string
}

func newRunCommand(c *cli) *cobra.Command {
	var lf loadFlags
	var rf runFlags
	var sf selectFlags
	cmd := &cobra.Command{
		Use:   "run [CONTEXT]",
		Short: "Run a task on the local Docker engine, as ACR Tasks would",
		Long: `run executes a task file on the Docker engine the docker CLI would use
(--context, DOCKER_HOST, DOCKER_CONTEXT, the current context, the local
socket): it copies CONTEXT into a run volume acb_vol_<uuid> mounted at
/workspace, creates acb_default_network, runs each build, push and cmd step in
a container named by its id as the when dependencies allow, and removes
everything it created when the run ends, fails, times out or is interrupted.

CONTEXT is a local directory (default "."), a git URL
(https://host/repo.git#ref:subdir, file://..., a local repository), a tar or
tar.gz file or URL, or /dev/null for none. -f is relative to the context.`,
		Example: `  acb run -f acb.yaml examples/hello --set REGISTRY1=127.0.0.1:5000 --set REGISTRY2=127.0.0.1:5001
  acb run -f task.yaml /dev/null --image-map mcr.microsoft.com/hello-world=local/hello
  acb run -f task.yaml . --alias bash=acbtest/busybox:1 --dry-run
  acb run -f task.yaml . --credential server=127.0.0.1:5000,username=u,password-env=REG_PASSWORD`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lf.stdin = cmd.InOrStdin()
			contextArg := "."
			if len(args) == 1 {
				contextArg = args[0]
			}
			rf.selection = sf.sel
			if rf.watch {
				return watchRuns(cmd.Context(), c, &lf, &rf, contextArg, func(ctx context.Context) error {
					return runTask(ctx, cmd, c, &lf, &rf, contextArg)
				})
			}
			return runTask(cmd.Context(), cmd, c, &lf, &rf, contextArg)
		},
	}
	lf.register(cmd.Flags(), true)
	f := cmd.Flags()
	f.DurationVar(&rf.timeout, "timeout", time.Hour, "bound for the whole run, as ACR's run timeout (0 = none)")
	f.IntVar(&rf.parallelism, "parallelism", 0, "at most this many steps at once (0 = no limit, as on ACR)")
	f.StringVar(&rf.pull, "pull", runner.PullMissing, "image pull policy for cmd steps: missing, always or never")
	f.StringArrayVar(&rf.imageMap, "image-map", nil, "rewrite an image reference FROM=TO before use (repeatable)")
	f.BoolVar(&rf.dryRun, "dry-run", false, "print the plan and touch no engine")
	f.StringVar(&rf.logFormat, "log-format", string(output.Text), "log format: text (ACR's lines) or json")
	f.StringVar(&rf.prefix, "prefix", runner.PrefixAuto, "prefix step output with its step id: auto, always or never")
	f.BoolVar(&rf.uniqueNames, "unique-names", false, "suffix container and network names with the run id so runs can share an engine")
	f.BoolVar(&rf.allowHostShell, "allow-host-shell", false, "run cmd steps that need a shell (pipes, &&, redirections) through the host's /bin/sh and docker CLI")
	f.StringArrayVar(&rf.credentials, "credential", nil, "registry credential: JSON (as acr-builder) or server=R,identity=[system]|<client id> | server=R,username=U,password=P|password-env=VAR|password-stdin")
	f.StringVar(&rf.registryIdentity, "registry-identity", "", "log in to --registry with this identity: [system] or a client id")
	f.BoolVar(&rf.offline, "offline", false, "forbid network lookups of secrets: every task secret must come from --secret or --secret-file")
	f.BoolVar(&rf.buildKit, "buildkit", false, "build every build step with the engine's BuildKit (a local speed-up; ACR uses it only for DOCKER_BUILDKIT=1 or cache: enabled)")
	f.StringVar(&rf.reportFile, "report-file", "", "write the dependency report as JSON (acr-builder's schema) to this file (replaced at the start of the run)")
	f.StringVar(&rf.resultFile, "result-file", "", "write the run's result as one JSON document (status, exit code, steps, dependencies) to this file, whatever ends the run")
	f.StringVar(&rf.junitFile, "junit", "", "write JUnit XML with one test case per step to this file, whatever ends the run")
	f.BoolVarP(&rf.quiet, "quiet", "q", false, "print only errors and the final line (no step output)")
	f.BoolVarP(&rf.verbose, "verbose", "v", false, "print debug lines too")
	f.StringVar(&rf.identity, "identity", "", "the task's managed identity, [system] or a client id (as az acr task create --assign-identity); served to cmd steps for az login --identity and the Azure SDKs")
	f.BoolVar(&rf.noStepIdentity, "no-step-identity", false, "do not serve --identity to steps (no IDENTITY_ENDPOINT in step containers)")
	sf.register(f)
	f.BoolVar(&rf.keepOnFailure, "keep-on-failure", false, "when a step fails, keep its container, the run's volumes and networks, and print the commands to inspect (acb shell) and remove (acb clean) them")
	f.BoolVar(&rf.shellOnFailure, "shell-on-failure", false, "when a cmd step fails and stdin is a terminal, open acb shell in it at once (what it kept is removed after the shell unless --keep-on-failure)")
	f.StringVar(&rf.shellStep, "shell-step", "", "run a shell in place of this step's command (acb shell)")
	f.StringVar(&rf.shell, "shell-command", "/bin/sh", "the shell of --shell-step")
	_ = f.MarkHidden("shell-step")
	_ = f.MarkHidden("shell-command")
	f.BoolVar(&rf.watch, "watch", false, "run again (the selected steps) on every change of the task file, a values, env or secret file, or a context file not in .dockerignore; a change stops a run in flight first")
	f.StringVar(&rf.workspace, "workspace", "", "bind this host directory (created if missing, never deleted) at /workspace instead of a fresh run volume, so a later run --from STEP finds what earlier steps wrote")
	addContextFlag(f, &rf.dockerContext)
	return cmd
}

func runTask(ctx context.Context, cmd *cobra.Command, c *cli, lf *loadFlags, rf *runFlags, contextArg string) (err error) {
	rec := c.record
	if rec == nil { // run called without its command line (tests)
		rec = newRunRecord()
		c.record = rec
	}
	rec.dryRun = rf.dryRun
	if err := rf.check(); err != nil {
		return asInput(err)
	}
	format, _ := output.ParseFormat(rf.logFormat) // checked
	c.setSink(sinkOptions(format, rf, c.stdout, c.stderr))
	out := c.out
	rec.files = resultFiles{report: rf.reportFile, result: rf.resultFile, junit: rf.junitFile}
	if err := rec.files.prepare(); err != nil {
		return asInput(err)
	}
	masker := out.Masker()
	imageMap, err := parseImageMap(rf.imageMap)
	if err != nil {
		return asInput(err)
	}
	// --timeout covers the whole run, from here: context download, load,
	// secrets, logins and the engine connection, then the steps.
	runCtx, cancelRun := withRunTimeout(ctx, rf.timeout)
	defer cancelRun()
	defer func() { err = setupTimedOut(ctx, runCtx, rf.timeout, err) }()
	src, err := source.Prepare(runCtx, contextArg)
	if err != nil {
		return err
	}
	defer src.Cleanup()

	// Loopback vault URLs are a local Key Vault emulator (trusted through
	// SSL_CERT_FILE); cloud vault URLs are checked strictly.
	// One resolution of [system] and client ids for the whole run: Key
	// Vault reads, registry logins and the step identity endpoint.
	ids := auth.NewIdentities(auth.TokenSourceOptions{}, func(identity, src string) {
		out.Event(output.Info, output.EventIdentity).Msgf("Identity %s: tokens from %s", identity, src)
	})
	keyVault := secrets.NewKeyVault(secrets.KeyVaultOptions{AllowLoopback: true, Credential: ids.Credential})
	var remote secrets.Resolver
	if !rf.offline {
		remote = keyVault
	}
	opts, err := lf.options(lf.file, masker, remote)
	if err != nil {
		return err
	}
	if opts.Run.Commit == "" {
		opts.Run.Commit = src.Commit
	}
	if opts.Run.Branch == "" {
		opts.Run.Branch = src.Branch
	}
	if src.SubDir != "" && opts.WorkingDirectory == "" {
		opts.WorkingDirectory = src.SubDir
	}
	// A run fetches what ACR fetches (alias src URLs, with a timeout), and
	// reads alias src files only inside the context, as ACR does.
	opts.AllowNetwork = true
	opts.SrcRoot = src.Dir
	name, body, err := readRunTask(runCtx, src, lf)
	if err != nil {
		return asInput(err)
	}
	loaded, err := load.FromBytes(runCtx, name, body, opts)
	if err != nil {
		return err
	}
	masker.Add(loaded.SecretValues...)
	rec.runID, rec.taskFile = loaded.Data.Run.ID, name
	for _, w := range loaded.Warnings {
		out.Event(output.Warn, output.EventWarning).Bare().Msg(w.Error())
	}
	if err := checkSelection(loaded.DAG, rf.selection); err != nil {
		return asInput(err)
	}

	// password-stdin may wait on a person: an interrupt must end the wait.
	creds, err := parseCredentials(rf, lf.run.Registry, inputfile.Interruptible(runCtx, cmd.InOrStdin()))
	if err != nil {
		return asInput(err)
	}
	var logins *auth.Logins
	if len(creds) > 0 {
		ropts := auth.ResolveOptions{Identities: ids, OnSecret: func(s string) { masker.Add(s) }}
		if !rf.offline {
			ropts.Secrets = keyVault
		}
		logins, err = auth.Resolve(runCtx, creds, ropts)
		if err != nil {
			return asInfra(err)
		}
		masker.Add(logins.Secrets()...)
	}
	var runLoginsOpt runner.Logins
	if logins != nil {
		runLoginsOpt = newRunLogins(logins, creds)
	}

	workspaceDir, err := absDir(rf.workspace)
	if err != nil {
		return asInput(fmt.Errorf("--workspace: %w", err))
	}
	runOpts := runner.Options{
		Abort:          abortOf(ctx),
		RunID:          loaded.Data.Run.ID,
		Source:         src,
		Output:         out,
		Prefix:         rf.prefix,
		Parallelism:    rf.parallelism,
		Timeout:        rf.timeout,
		Pull:           rf.pull,
		ImageMap:       imageMap,
		UniqueNames:    rf.uniqueNames,
		AllowHostShell: rf.allowHostShell,
		DryRun:         rf.dryRun,
		BuildKit:       rf.buildKit,
		BuildSecrets:   loaded.Data.Secrets,
		SSHAuthSock:    os.Getenv("SSH_AUTH_SOCK"),
		Logins:         runLoginsOpt,
		Keychain:       userKeychain,
		RemoteDigest:   auth.RemoteDigests(logins),
		Selection:      rf.selection,
		Workspace:      workspaceDir,
		Terminal:       rf.stepTerminal(c),
		ShellStep:      rf.shellStep,
		Shell:          strings.Fields(rf.shell),
		Stdin:          c.stdin,
		KeepOnFailure:  rf.keepOnFailure || (rf.shellOnFailure && terminalOf(cmd.InOrStdin()) != nil),
	}
	if os.Getenv("ACB_TIMING") != "" {
		runOpts.Timing = func(part string, d time.Duration) {
			out.Event(output.Info, output.EventTiming).Bare().Msgf("acb timing: %s %.1f ms", part, float64(d.Microseconds())/1000)
		}
	}
	stepIdentity, err := newStepIdentity(rf, ids)
	if err != nil {
		return asInput(err)
	}
	var eng engine.Engine
	engineHost := ""
	if !rf.dryRun {
		dockerEngine, lines, err := openEngine(runCtx, rf.dockerContext)
		if err != nil {
			return err
		}
		defer dockerEngine.Close()
		eng = dockerEngine
		engineHost = dockerEngine.Host()
		runOpts.EngineLines = lines
		runOpts.EngineSocket = dockerEngine.Endpoint().SocketPath()
		runOpts.HostEngine = hostEngine(dockerEngine.Endpoint())
		runOpts.StepIdentity = stepIdentityFor(ctx, stepIdentity, dockerEngine.Host(), out)
	}
	if rf.timeout > 0 {
		// What is left of --timeout; the runner times the steps out itself
		// (and still cleans up after), so it gets ctx, not runCtx.
		runOpts.Timeout = max(time.Until(runDeadline(runCtx)), time.Millisecond)
	}
	c.runStarted(engineHost)
	res, runErr := runner.Run(ctx, loaded.Task, loaded.DAG, eng, runOpts)
	rec.res = res
	if !rf.dryRun && !out.JSON() { // in JSON the run event is the last line (record.go)
		level := output.Info
		if runErr != nil {
			level = output.Error
		}
		out.Blank()
		out.Event(level, output.EventRun).Bare().Msg(runner.FinalLine(res, runErr))
	}
	if runErr != nil && rf.dryRun {
		return runErr // no final line was printed: the CLI prints the error
	}
	if runErr != nil {
		if rf.shellOnFailure && runOpts.KeepOnFailure {
			shellAfterFailure(ctx, c, rf, res, runErr)
		}
		return &reportedError{runErr}
	}
	return nil // the report, result and JUnit files are written by finishRun (record.go)
}

// sinkOptions is acb run's output: its format, -q/-v, colour only for
// terminals (never in JSON, never with NO_COLOR), and the step output
// tails a JUnit file shows.
func sinkOptions(f output.Format, rf *runFlags, stdout, stderr io.Writer) output.Options {
	o := output.Options{Format: f, KeepTails: rf.junitFile != ""}
	switch {
	case rf.quiet:
		o.Verbosity = output.Quiet
	case rf.verbose:
		o.Verbosity = output.Verbose
	}
	o.Color = f == output.Text && colorWanted(stdout, stderr)
	if f == output.Text && isTerminal(stdout) {
		o.Terminal, o.TerminalFd = true, stdout.(*os.File).Fd()
	}
	return o
}

func (rf *runFlags) check() error {
	switch rf.pull {
	case runner.PullMissing, runner.PullAlways, runner.PullNever:
	default:
		return fmt.Errorf("--pull %q: expected missing, always or never", rf.pull)
	}
	if _, ok := output.ParseFormat(rf.logFormat); !ok || rf.logFormat == "" {
		return fmt.Errorf("--log-format %q: expected text or json", rf.logFormat)
	}
	switch rf.prefix {
	case runner.PrefixAuto, runner.PrefixAlways, runner.PrefixNever:
	default:
		return fmt.Errorf("--prefix %q: expected auto, always or never", rf.prefix)
	}
	if rf.parallelism < 0 {
		return fmt.Errorf("--parallelism %d: must be 0 (no limit) or more", rf.parallelism)
	}
	if rf.quiet && rf.verbose {
		return errors.New("-q and -v: give one")
	}
	if rf.timeout < 0 {
		return fmt.Errorf("--timeout %s: must not be negative", rf.timeout)
	}
	return nil
}

// readRunTask reads -f relative to the source context, or stdin for -f -.
func readRunTask(ctx context.Context, src *source.Source, lf *loadFlags) (string, []byte, error) {
	if lf.file == "-" {
		b, err := inputfile.ReadStream(ctx, "stdin", lf.stdin, inputfile.MaxSize)
		if err != nil {
			return "", nil, fmt.Errorf("read task from stdin: %w", err)
		}
		return "<stdin>", b, nil
	}
	name, b, err := src.TaskFile(lf.file)
	if err != nil && !filepath.IsAbs(lf.file) && src.HasContent() {
		// -f names a file in the context, as az acr run -f does; say so
		// when the path would have worked from the current directory.
		if fi, serr := os.Stat(lf.file); serr == nil && fi.Mode().IsRegular() {
			err = fmt.Errorf("%w (-f is relative to the source context, as with az acr run; %s exists in the current directory: give its absolute path or run from the context)", err, lf.file)
		}
	}
	return name, b, err
}

func parseImageMap(entries []string) (map[string]string, error) {
	out := map[string]string{}
	for _, e := range entries {
		from, to, ok := strings.Cut(e, "=")
		if !ok || from == "" || to == "" {
			return nil, fmt.Errorf("--image-map %q: expected FROM=TO", e)
		}
		out[from] = to
	}
	return out, nil
}

func parseCredentials(rf *runFlags, registry string, stdin io.Reader) ([]*auth.Credential, error) {
	var creds []*auth.Credential
	for _, s := range rf.credentials {
		c, err := auth.ParseCredential(s)
		if err != nil {
			return nil, fmt.Errorf("--credential: %w", err)
		}
		creds = append(creds, c)
	}
	if rf.registryIdentity != "" {
		if registry == "" {
			return nil, errors.New("--registry-identity needs --registry")
		}
		c, err := auth.NewIdentityCredential(registry, rf.registryIdentity)
		if err != nil {
			return nil, fmt.Errorf("--registry-identity: %w", err)
		}
		creds = append(creds, c)
	}
	if err := auth.ApplyStdinPassword(creds, stdin); err != nil {
		return nil, err
	}
	return creds, nil
}

// userKeychain reads the user's Docker config and credential helpers for
// registries the run has no credential for.
func userKeychain(registry string) (*engine.RegistryAuth, error) {
	b, ok, err := auth.UserKeychain(registry)
	if err != nil || !ok {
		return nil, err
	}
	return &engine.RegistryAuth{Username: b.Username, Password: b.Password, ServerAddress: registry}, nil
}
