package runner

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/moby/patternmatcher"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/args"
	"github.com/acb-dev/acb/runner/engine"
)

// maxDockerfile bounds the Dockerfile acb reads into memory for the scan.
const maxDockerfile = 16 << 20

// buildPlan is a build step resolved against the run volume.
type buildPlan struct {
	build      *args.Build
	remote     string // RemoteURL, or "" for a context in the run volume
	ctxPath    string // context, relative to the run volume's root
	dockerfile string // Dockerfile path relative to the volume root ("" when remote)
	inContext  string // Dockerfile path inside the context, "" when outside
}

// runBuild runs a build step: the context is the step's working directory
// in the run volume as earlier steps left it, streamed to the engine
// through a .dockerignore filter, never held in memory.
func (r *run) runBuild(ctx context.Context, s *graph.Step, res *StepResult) error {
	b, err := args.ParseBuild(s.Build)
	if err != nil {
		return inputErr("step %s: build: %w", s.ID, err)
	}
	for _, v := range b.ShellVars {
		r.warnOnce(s.ID+"\x00"+v, s.ID, "WARNING: step %s: %s is passed literally to docker build; acr-builder's host shell would have expanded it (usually to an empty string)", s.ID, shellVarText(v))
	}
	plan, err := r.planBuild(s, b)
	if err != nil {
		return err
	}
	res.Start = time.Now()
	res.Tags = b.Tags
	out := newStepOutput(r.c, s.ID, len(s.RetryOnErrors) > 0)
	defer out.Flush()

	r.c.logf(s.ID, evScan, "Scanning for dependencies...")
	var dockerfile []byte
	if plan.remote == "" {
		if dockerfile, err = r.readVolumeFile(ctx, plan.dockerfile, maxDockerfile); err != nil {
			if errors.Is(err, engine.ErrNotFound) { // the engine's text names a helper container
				return fmt.Errorf("failed to scan dependencies: Dockerfile %s not found", path.Join(graph.WorkspaceDir, plan.dockerfile))
			}
			return fmt.Errorf("failed to scan dependencies: reading Dockerfile %s: %w", path.Join(graph.WorkspaceDir, plan.dockerfile), err)
		}
	}
	r.scanDependencies(s, b, dockerfile, s.Env)
	if r.opts.scan != nil {
		if err := r.opts.scan(ctx, s, b, dockerfile); err != nil {
			return fmt.Errorf("failed to scan dependencies: %w", err)
		}
	}
	r.c.logf(s.ID, evScan, "Successfully scanned dependencies")

	feats := scanDockerfileFeatures(dockerfile)
	bk, err := r.chooseBuildKit(ctx, s, b, feats)
	if err != nil {
		return err
	}
	if bk != nil {
		return r.runBuildKit(ctx, bk, s, plan, dockerfile, feats, res, out)
	}
	var ignore *patternmatcher.PatternMatcher
	if plan.remote == "" {
		if ignore, err = r.dockerignore(ctx, plan.ctxPath); err != nil {
			return err
		}
	}
	spec := engine.BuildSpec{
		Dockerfile: plan.inContext,
		Tags:       b.Tags,
		BuildArgs:  buildArgs(b.BuildArgs, s.Env),
		Target:     b.Target,
		NoCache:    b.NoCache,
		Pull:       b.Pull || s.Pull,
		Labels:     b.Labels,
		Platform:   b.Platform,
		Network:    r.network(b.Network),
		ExtraHosts: b.AddHosts,
		Isolation:  b.Isolation,
		CacheFrom:  b.CacheFrom,
		RemoteURL:  plan.remote,
	}
	if spec.Auth, err = r.currentAuths(ctx); err != nil {
		return err
	}
	if plan.remote != "" {
		spec.Dockerfile = b.Dockerfile
	}
	name := r.containerName(s)
	return r.retryLoop(ctx, s, name, out, func(ctx context.Context) error {
		if plan.remote != "" {
			id, err := r.eng.Build(ctx, spec, r.progress(out))
			res.ImageID = id
			return err
		}
		extra := ""
		if plan.inContext == "" {
			extra = ".dockerfile." + uuid.NewString()[:8]
		}
		id, err := r.buildFromVolume(ctx, spec, plan.ctxPath, ignore, extra, dockerfile, out)
		res.ImageID = id
		return err
	})
}

// planBuild resolves a build's context and Dockerfile.
func (r *run) planBuild(s *graph.Step, b *args.Build) (*buildPlan, error) {
	p := &buildPlan{build: b}
	switch args.ContextKind(b.Context) {
	case args.ContextGit, args.ContextTarball:
		p.remote = b.Context
		return p, nil
	case args.ContextOCI:
		return nil, inputErr("step %s: build context %s: oci:// contexts are not supported", s.ID, b.Context)
	}
	wd := resolveWorkdir(r.configuredWorkdir(s))
	ctxAbs := b.Context
	if !path.IsAbs(ctxAbs) {
		ctxAbs = path.Join(wd, ctxAbs)
	}
	rel, ok := inWorkspace(ctxAbs)
	if !ok {
		return nil, inputErr("step %s: build context %s is outside %s", s.ID, ctxAbs, graph.WorkspaceDir)
	}
	p.ctxPath = rel
	df := b.Dockerfile
	if df == "" {
		df = "Dockerfile"
	}
	dfAbs := df
	switch {
	case b.Dockerfile == "":
		dfAbs = path.Join(ctxAbs, df)
	case !path.IsAbs(dfAbs):
		// As the docker CLI (and so ACR) does: -f is relative to the
		// directory docker build runs in, the step's working directory.
		dfAbs = path.Join(wd, df)
	}
	if p.dockerfile, ok = inWorkspace(dfAbs); !ok {
		return nil, inputErr("step %s: Dockerfile %s is outside %s", s.ID, dfAbs, graph.WorkspaceDir)
	}
	if in := strings.TrimPrefix(dfAbs, ctxAbs+"/"); in != dfAbs || ctxAbs == "/" {
		p.inContext = in
	}
	return p, nil
}

// inWorkspace returns p (absolute, cleaned) relative to /workspace: "." for
// /workspace itself; false when p is outside.
func inWorkspace(p string) (string, bool) {
	p = path.Clean(p)
	if p == graph.WorkspaceDir {
		return ".", true
	}
	rel := strings.TrimPrefix(p, graph.WorkspaceDir+"/")
	return rel, rel != p
}

// buildArgs resolves "--build-arg K" (no value) from the step environment,
// as the docker CLI in acr-builder's build container would.
func buildArgs(in map[string]*string, env []string) map[string]*string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]*string, len(in))
	for k, v := range in {
		if v == nil {
			for _, e := range env {
				if ek, ev, ok := strings.Cut(e, "="); ok && ek == k {
					val := ev
					v = &val
				}
			}
		}
		out[k] = v
	}
	return out
}

// readVolumeFile reads one small file from the run volume.
func (r *run) readVolumeFile(ctx context.Context, p string, limit int64) ([]byte, error) {
	if r.fromHost {
		return r.hostFile(p, limit)
	}
	rc, err := r.eng.CopyFromVolume(ctx, r.vol, p)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: %w", p, engine.ErrNotFound)
		}
		if err != nil {
			return nil, err
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if hdr.Size > limit {
			return nil, fmt.Errorf("%s is larger than %d bytes", p, limit)
		}
		return io.ReadAll(tr)
	}
}

// dockerignore reads the context's .dockerignore; nil when there is none.
func (r *run) dockerignore(ctx context.Context, ctxPath string) (*patternmatcher.PatternMatcher, error) {
	patterns, err := r.dockerignorePatterns(ctx, ctxPath)
	if err != nil || len(patterns) == 0 {
		return nil, err
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, inputErr(".dockerignore: %w", err)
	}
	return pm, nil
}

// buildFromVolume streams the context out of the run volume, re-rooted and
// filtered, into the engine's build through a pipe. extra, when set, is
// the name under which the Dockerfile (outside the context) is appended.
func (r *run) buildFromVolume(ctx context.Context, spec engine.BuildSpec, ctxPath string, ignore *patternmatcher.PatternMatcher,
	extra string, dockerfile []byte, out *stepOutput) (string, error) {
	var rc io.ReadCloser
	var err error
	if r.fromHost {
		rc, err = r.hostContext(ctxPath)
	} else {
		rc, err = r.eng.CopyFromVolume(ctx, r.vol, ctxPath)
	}
	if err != nil {
		return "", engineErr("reading the build context "+path.Join(graph.WorkspaceDir, ctxPath), err)
	}
	defer rc.Close()
	keep := map[string]bool{".dockerignore": true}
	if spec.Dockerfile != "" {
		keep[spec.Dockerfile] = true
	}
	var appendFile *tarFile
	if extra != "" {
		spec.Dockerfile = extra
		appendFile = &tarFile{name: extra, data: dockerfile}
	}
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() { // ends when the source tar ends or the pipe's reader is closed
		defer close(done)
		pw.CloseWithError(filterContext(rc, pw, !r.fromHost, ignore, keep, appendFile))
	}()
	w := syncedOut(r.progress(out))
	spec.Context = &contextCounter{r: pr, out: w}
	id, err := r.eng.Build(ctx, spec, w)
	pr.CloseWithError(errBuildDone)
	<-done
	return id, err
}

var errBuildDone = errors.New("build finished")

// tarFile is a small file appended to a tar stream.
type tarFile struct {
	name string
	data []byte
}

// filterContext copies a tar to w, dropping what .dockerignore excludes
// (except the kept names), and appends extra. With rooted, the tar is
// CopyFromVolume's (entries under one root directory, as docker cp names
// them) and that root is stripped; otherwise entries are already relative.
func filterContext(src io.Reader, w io.Writer, rooted bool, ignore *patternmatcher.PatternMatcher, keep map[string]bool, extra *tarFile) error {
	tr := tar.NewReader(src)
	tw := tar.NewWriter(w)
	root := ""
	var ignoreData []byte // the context's .dockerignore, when extra is appended
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("build context: %w", err)
		}
		name := strings.TrimPrefix(hdr.Name, "./")
		if rooted && root == "" {
			root, _, _ = strings.Cut(strings.TrimSuffix(name, "/"), "/")
			root += "/"
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(name, root), "/")
		if rel == "" || rel == "." || (rooted && (rel+"/" == root || name+"/" == root)) {
			continue // the root directory itself
		}
		if ignore != nil && !keep[rel] {
			excluded, err := ignore.MatchesOrParentMatches(rel)
			if err != nil {
				return fmt.Errorf(".dockerignore: %w", err)
			}
			if excluded {
				continue
			}
		}
		if extra != nil && rel == ".dockerignore" && hdr.Typeflag == tar.TypeReg {
			// Rewritten at the end to also exclude the appended Dockerfile.
			if ignoreData, err = io.ReadAll(io.LimitReader(tr, 1<<20)); err != nil {
				return fmt.Errorf("build context: .dockerignore: %w", err)
			}
			continue
		}
		hdr.Name = rel
		if hdr.Typeflag == tar.TypeDir {
			hdr.Name += "/"
		}
		if hdr.Typeflag == tar.TypeLink {
			hdr.Linkname = strings.TrimPrefix(strings.TrimPrefix(hdr.Linkname, "./"), root)
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if hdr.Typeflag == tar.TypeReg {
			if _, err := io.Copy(tw, tr); err != nil {
				return err
			}
		}
	}
	if extra != nil {
		// As the docker CLI does for a Dockerfile outside the context: the
		// appended file is listed in .dockerignore so COPY . leaves it out.
		if len(ignoreData) > 0 && ignoreData[len(ignoreData)-1] != '\n' {
			ignoreData = append(ignoreData, '\n')
		}
		ignoreData = append(ignoreData, extra.name+"\n"...)
		for _, f := range []tarFile{{".dockerignore", ignoreData}, *extra} {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.name, Mode: 0o644, Size: int64(len(f.data)), ModTime: time.Now()}); err != nil {
				return err
			}
			if _, err := tw.Write(f.data); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}
