package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher/ignorefile"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/args"
	"github.com/acb-dev/acb/runner/engine"
)

// buildKitEnvLine is the env entry that makes ACR build a step with BuildKit.
const buildKitEnvLine = "DOCKER_BUILDKIT=1"

// maxBuildSecret is BuildKit's limit for one secret (500 KiB).
const maxBuildSecret = 500 << 10

// buildKitReason says why a build step must use BuildKit as ACR would
// ("" when ACR would use the classic builder).
func buildKitReason(s *graph.Step) string {
	switch {
	case s.UsesBuildKit():
		return buildKitEnvLine
	case strings.EqualFold(s.Cache, "enabled"):
		return "cache: enabled"
	}
	return ""
}

// chooseBuildKit decides whether a build step runs on the engine's
// BuildKit: when ACR would (DOCKER_BUILDKIT=1, cache: enabled) or with
// --buildkit. A step that needs BuildKit on an engine without it fails,
// naming the engine; --buildkit alone falls back to the classic builder
// with one warning. A Dockerfile that needs BuildKit in a step that will
// not get it is warned about, naming the env line to add.
func (r *run) chooseBuildKit(ctx context.Context, s *graph.Step, b *args.Build, feats dockerfileFeatures) (engine.BuildKitBuilder, error) {
	reason := buildKitReason(s)
	if reason == "" && !r.opts.BuildKit {
		if len(feats.NeedsBuildKit) > 0 {
			r.c.warnf(s.ID, "WARNING: step %s: the Dockerfile needs BuildKit at %s; ACR builds it with BuildKit only when the step's env has %s (add env: [\"%s\"] to the step); the classic builder will refuse it", s.ID, feats.NeedsBuildKit[0], buildKitEnvLine, buildKitEnvLine)
		}
		if len(b.Secrets) > 0 || len(b.SSH) > 0 {
			return nil, inputErr("step %s: build --secret and --ssh need BuildKit: add env: [\"%s\"] to the step", s.ID, buildKitEnvLine)
		}
		return nil, nil
	}
	bk, ok := r.eng.(engine.BuildKitBuilder)
	var err error
	if !ok {
		err = fmt.Errorf("%w: the engine adapter cannot build with BuildKit", engine.ErrNoBuildKit)
	} else {
		_, err = bk.BuildKitInfo(ctx)
	}
	if err == nil {
		return bk, nil
	}
	if reason != "" {
		return nil, engineErr(fmt.Sprintf("step %s: %s asks for BuildKit", s.ID, reason), err)
	}
	r.warnOnce("buildkit-fallback", s.ID, "WARNING: --buildkit: %v; build steps use the classic builder", err)
	if len(b.Secrets) > 0 || len(b.SSH) > 0 {
		return nil, inputErr("step %s: build --secret and --ssh need BuildKit, which the engine lacks", s.ID)
	}
	return nil, nil
}

// checkFrontend fails a build whose Dockerfile uses heredocs the engine's
// built-in Dockerfile frontend does not understand, naming the line,
// instead of passing on the frontend's parse error.
func (r *run) checkFrontend(ctx context.Context, bk engine.BuildKitBuilder, s *graph.Step, dfName string, feats dockerfileFeatures) error {
	if len(feats.Heredocs) == 0 || feats.Syntax != nil {
		return nil
	}
	info, err := bk.BuildKitInfo(ctx)
	if err != nil || info.Heredocs {
		return nil
	}
	return inputErr("step %s: %s %s needs Dockerfile syntax 1.4 or later, newer than the Dockerfile frontend built into %s; "+
		"use an engine from Docker 23.0 on, or add \"# syntax=docker/dockerfile:1\" as the first line if the engine can pull that frontend image",
		s.ID, dfName, feats.Heredocs[0], info.Engine)
}

// runBuildKit runs a planned build step on the engine's BuildKit. The
// context goes through the build session's file sync from a host
// directory: the source directory itself when build steps read it
// directly, else a private copy of the run volume's context.
func (r *run) runBuildKit(ctx context.Context, bk engine.BuildKitBuilder, s *graph.Step, plan *buildPlan, dockerfile []byte, feats dockerfileFeatures, res *StepResult, out *stepOutput) error {
	b := plan.build
	dfName := "Dockerfile " + path.Join(graph.WorkspaceDir, plan.dockerfile)
	if err := r.checkFrontend(ctx, bk, s, dfName, feats); err != nil {
		return err
	}
	spec := engine.BuildKitSpec{
		Tags:       b.Tags,
		BuildArgs:  buildArgs(b.BuildArgs, s.Env),
		Target:     b.Target,
		NoCache:    b.NoCache,
		Pull:       b.Pull || s.Pull,
		Labels:     b.Labels,
		Platform:   b.Platform,
		Network:    b.Network,
		ExtraHosts: b.AddHosts,
		CacheFrom:  b.CacheFrom,
		// Masked before BuildKit's display wraps or truncates a line (and
		// so splits a secret); the step's writer masks again.
		Mask: &engine.ProgressMask{
			Text:   r.c.masker.String,
			Stream: func(w io.Writer) io.WriteCloser { return r.c.masker.Writer(w) },
		},
	}
	if strings.EqualFold(s.Cache, "enabled") {
		// ACR exports a registry cache from a buildkitd container; the
		// engine's BuildKit embeds it in the image (inline) and imports it
		// from the pushed tags on the next build.
		spec.InlineCache = true
		spec.CacheFrom = append(spec.CacheFrom, b.Tags...)
	}
	var err error
	if spec.Auth, err = r.currentAuths(ctx); err != nil {
		return err
	}
	if spec.Secrets, err = r.buildSecrets(ctx, s, b); err != nil {
		return err
	}
	if spec.SSHAgent, err = r.buildSSH(s, b); err != nil {
		return err
	}

	tmp, err := os.MkdirTemp("", "acb-buildkit-")
	if err != nil {
		return fmt.Errorf("step %s: %w", s.ID, err)
	}
	defer os.RemoveAll(tmp)
	if plan.remote != "" {
		spec.RemoteContext = plan.remote
		spec.Dockerfile = b.Dockerfile
	} else {
		// The Dockerfile as scanned, in a directory of its own (also when it
		// lies outside the context).
		spec.DockerfileDir = filepath.Join(tmp, "dockerfile")
		spec.Dockerfile = "Dockerfile"
		if err := os.Mkdir(spec.DockerfileDir, 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(spec.DockerfileDir, spec.Dockerfile), dockerfile, 0o600); err != nil {
			return err
		}
		if spec.Excludes, err = r.dockerignorePatterns(ctx, plan.ctxPath); err != nil {
			return err
		}
		if spec.ContextDir, err = r.buildKitContextDir(ctx, plan.ctxPath, tmp, spec.Excludes); err != nil {
			return err
		}
		spec.SharedKey = r.buildKitSharedKey(plan.ctxPath)
	}
	name := r.containerName(s)
	return r.retryLoop(ctx, s, name, out, func(ctx context.Context) error {
		br, err := bk.BuildKit(ctx, spec, r.progress(out))
		res.ImageID = br.ImageID
		if err != nil && feats.Syntax != nil && ctx.Err() == nil {
			return fmt.Errorf("%w (%s %s asks BuildKit for the Dockerfile frontend image %s instead of the engine's built-in one; the engine must be able to pull it)", err, dfName, *feats.Syntax, strings.TrimPrefix(feats.Syntax.Text, "# syntax="))
		}
		return err
	})
}

// buildKitContextDir returns the host directory holding the build context:
// the host workspace's or source directory's own when build steps read it, else a copy of the
// run volume's context extracted into tmp (without what .dockerignore
// excludes).
func (r *run) buildKitContextDir(ctx context.Context, ctxPath, tmp string, excludes []string) (string, error) {
	if r.fromHost {
		host := r.hostDir()
		root, err := os.OpenRoot(host)
		if err != nil {
			return "", fmt.Errorf("open %s: %w", host, err)
		}
		defer root.Close()
		fi, err := root.Stat(filepath.FromSlash(ctxPath)) // refuses a path escaping the source
		if err != nil || !fi.IsDir() {
			return "", inputErr("build context %s is not a directory of the source", path.Join(graph.WorkspaceDir, ctxPath))
		}
		return filepath.Join(host, filepath.FromSlash(ctxPath)), nil
	}
	dir := filepath.Join(tmp, "context")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", err
	}
	rc, err := r.eng.CopyFromVolume(ctx, r.vol, ctxPath)
	if err != nil {
		return "", engineErr("reading the build context "+path.Join(graph.WorkspaceDir, ctxPath), err)
	}
	defer rc.Close()
	ignore, err := r.dockerignore(ctx, ctxPath)
	if err != nil {
		return "", err
	}
	if err := extractContext(rc, dir, ignore); err != nil {
		return "", fmt.Errorf("build context %s: %w", path.Join(graph.WorkspaceDir, ctxPath), err)
	}
	return dir, nil
}

// buildKitSharedKey names a context for the engine across builds and
// runs: the same source directory and context path give the same key, so
// the engine diffs against its previous copy and only changed files cross
// the session.
func (r *run) buildKitSharedKey(ctxPath string) string {
	src := ""
	if r.workspace != "" || r.opts.Source != nil {
		src = r.hostDir()
		if abs, err := filepath.Abs(src); err == nil {
			src = abs
		}
	}
	sum := sha256.Sum256([]byte("acb\x00" + src + "\x00" + ctxPath))
	return "acb-" + hex.EncodeToString(sum[:16])
}

// dockerignorePatterns reads the context's .dockerignore patterns.
func (r *run) dockerignorePatterns(ctx context.Context, ctxPath string) ([]string, error) {
	data, err := r.readVolumeFile(ctx, path.Join(ctxPath, ".dockerignore"), 1<<20)
	if errors.Is(err, engine.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, engineErr("reading .dockerignore", err)
	}
	patterns, err := ignorefile.ReadAll(strings.NewReader(string(data)))
	if err != nil {
		return nil, inputErr(".dockerignore: %w", err)
	}
	return patterns, nil
}

// buildSecrets resolves a build's --secret values: id=X takes the task
// secret X (or the step env's X); src=F reads F (relative to the step's
// working directory, inside /workspace); env=V reads the step env's V.
// Every value is masked in all output.
func (r *run) buildSecrets(ctx context.Context, s *graph.Step, b *args.Build) (map[string][]byte, error) {
	if len(b.Secrets) == 0 {
		return nil, nil
	}
	out := map[string][]byte{}
	for _, spec := range b.Secrets {
		id, src, env, err := parseSecretFlag(spec)
		if err != nil {
			return nil, inputErr("step %s: build --secret %q: %w", s.ID, spec, err)
		}
		var val []byte
		switch {
		case src != "":
			p := src
			if !path.IsAbs(p) {
				p = path.Join(resolveWorkdir(r.configuredWorkdir(s)), p)
			}
			rel, ok := inWorkspace(p)
			if !ok {
				return nil, inputErr("step %s: build --secret %s: src %s is outside %s", s.ID, id, p, graph.WorkspaceDir)
			}
			if val, err = r.readVolumeFile(ctx, rel, maxBuildSecret); err != nil {
				return nil, inputErr("step %s: build --secret %s: reading %s: %w", s.ID, id, p, err)
			}
		case env != "":
			v, ok := envValue(s.Env, env)
			if !ok {
				return nil, inputErr("step %s: build --secret %s: env %s is not set in the step's env", s.ID, id, env)
			}
			val = []byte(v)
		default:
			if v, ok := r.opts.BuildSecrets[id]; ok {
				val = []byte(v)
			} else if v, ok := envValue(s.Env, id); ok {
				val = []byte(v)
			} else {
				return nil, inputErr("step %s: build --secret id=%s: no task secret and no step env named %s; give src= or env=", s.ID, id, id)
			}
		}
		if len(val) > maxBuildSecret {
			return nil, inputErr("step %s: build --secret %s: larger than %d bytes", s.ID, id, maxBuildSecret)
		}
		if r.c.masker != nil {
			r.c.masker.Add(string(val))
		}
		out[id] = val
	}
	return out, nil
}

// parseSecretFlag parses "id=X[,src=F|,source=F|,env=V][,type=file|env]".
func parseSecretFlag(s string) (id, src, env string, err error) {
	typ := ""
	for _, field := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(field, "=")
		if !ok {
			return "", "", "", fmt.Errorf("%q: want key=value", field)
		}
		switch strings.ToLower(k) {
		case "id":
			id = v
		case "src", "source":
			src = v
		case "env":
			env = v
		case "type":
			typ = v
		default:
			return "", "", "", fmt.Errorf("unknown key %q (want id, src or env)", k)
		}
	}
	if typ == "env" && env == "" {
		env, src = src, ""
	}
	if id == "" {
		id = path.Base(src)
		if env != "" {
			id = env
		}
	}
	switch {
	case id == "" || id == ".":
		return "", "", "", errors.New("missing id")
	case src != "" && env != "":
		return "", "", "", errors.New("give src or env, not both")
	}
	return id, src, env, nil
}

// buildSSH resolves --ssh: only "default", lending acb's own ssh-agent
// ($SSH_AUTH_SOCK) or the socket given as default=PATH.
func (r *run) buildSSH(s *graph.Step, b *args.Build) (string, error) {
	sock := ""
	for _, v := range b.SSH {
		id, p, _ := strings.Cut(v, "=")
		if id != "default" {
			return "", inputErr("step %s: build --ssh %s: only --ssh default (the ssh-agent acb runs with) is supported", s.ID, v)
		}
		if p == "" {
			p = r.opts.SSHAuthSock
		}
		if p == "" {
			return "", inputErr("step %s: build --ssh default: no ssh-agent (SSH_AUTH_SOCK is not set)", s.ID)
		}
		if _, err := os.Stat(p); err != nil {
			return "", inputErr("step %s: build --ssh default: ssh-agent socket: %w", s.ID, err)
		}
		sock = p
	}
	return sock, nil
}

// envValue returns the value of key in KEY=value entries.
func envValue(env []string, key string) (string, bool) {
	val, found := "", false
	for _, e := range env {
		if k, v, ok := strings.Cut(e, "="); ok && k == key {
			val, found = v, true
		}
	}
	return val, found
}
