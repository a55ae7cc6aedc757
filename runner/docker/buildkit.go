package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	controlapi "github.com/moby/buildkit/api/services/control"
	bkclient "github.com/moby/buildkit/client"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/moby/buildkit/session/sshforward/sshprovider"
	"github.com/moby/moby/client/pkg/versions"
	"github.com/tonistiigi/fsutil"
	fstypes "github.com/tonistiigi/fsutil/types"

	"github.com/acb-dev/acb/runner/engine"
)

// minBuildKitAPI is the first Engine API with the /session endpoint and
// BuildKit (Docker 18.09).
const minBuildKitAPI = "1.39"

// buildkitProbeTimeout bounds the probe of the engine's BuildKit API.
const buildkitProbeTimeout = 15 * time.Second

var _ engine.BuildKitBuilder = (*Engine)(nil)

// buildkitClient connects BuildKit's client to the engine's embedded
// BuildKit as the docker CLI's "docker" builder driver does: the control
// API over POST /grpc and the build session over POST /session, both
// upgraded to HTTP/2 on the engine's own socket. Bytes written on session
// connections are added to sent, when not nil.
func (e *Engine) buildkitClient(ctx context.Context, sent *atomic.Int64) (*bkclient.Client, error) {
	return bkclient.New(ctx, "",
		bkclient.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return e.cli.DialHijack(ctx, "/grpc", "h2c", nil)
		}),
		bkclient.WithSessionDialer(func(ctx context.Context, proto string, meta map[string][]string) (net.Conn, error) {
			c, err := e.cli.DialHijack(ctx, "/session", proto, meta)
			if err != nil || sent == nil {
				return c, err
			}
			return &countingConn{Conn: c, n: sent}, nil
		}),
	)
}

// BuildKitInfo probes the engine's embedded BuildKit once per Engine: the
// negotiated API version, then a call on its control API.
func (e *Engine) BuildKitInfo(ctx context.Context) (engine.BuildKitInfo, error) {
	e.bk.mu.Lock()
	defer e.bk.mu.Unlock()
	if e.bk.done {
		return e.bk.info, e.bk.err
	}
	info, err := e.probeBuildKit(ctx)
	if ctx.Err() != nil { // a cancelled probe says nothing about the engine
		return info, err
	}
	e.bk.done, e.bk.info, e.bk.err = true, info, err
	return info, err
}

// buildkitProbe is the cached result of BuildKitInfo.
type buildkitProbe struct {
	mu   sync.Mutex
	done bool
	info engine.BuildKitInfo
	err  error
}

func (e *Engine) probeBuildKit(ctx context.Context) (engine.BuildKitInfo, error) {
	info := engine.BuildKitInfo{Engine: e.engineName(ctx)}
	if v := e.cli.ClientVersion(); v != "" && versions.LessThan(v, minBuildKitAPI) {
		return info, fmt.Errorf("%s: %w: its API %s is older than %s, the first with BuildKit", info.Engine, engine.ErrNoBuildKit, v, minBuildKitAPI)
	}
	ctx, cancel := context.WithTimeout(ctx, buildkitProbeTimeout)
	defer cancel()
	c, err := e.buildkitClient(ctx, nil)
	if err != nil {
		return info, fmt.Errorf("%s: %w: %v", info.Engine, engine.ErrNoBuildKit, err)
	}
	defer c.Close()
	if _, err := c.ControlClient().ListWorkers(ctx, &controlapi.ListWorkersRequest{}); err != nil {
		if strings.Contains(err.Error(), "received 404") {
			return info, fmt.Errorf("%s: %w: it has no BuildKit API (POST /grpc answers 404)", info.Engine, engine.ErrNoBuildKit)
		}
		return info, fmt.Errorf("%s: %w: its BuildKit API (/grpc) did not answer: %v", info.Engine, engine.ErrNoBuildKit, err)
	}
	// Info exists from BuildKit 0.11 (Engine 23.0); older engines answer
	// Unimplemented, and their built-in Dockerfile frontend predates
	// heredocs (syntax 1.4).
	if res, err := c.ControlClient().Info(ctx, &controlapi.InfoRequest{}); err == nil && res.GetBuildkitVersion() != nil {
		info.Version = res.GetBuildkitVersion().GetVersion()
		info.Heredocs = true
	}
	return info, nil
}

// engineName names the engine for messages, e.g. "Docker Engine
// 20.10.24+dfsg1 (API 1.41, linux/amd64)" or "Podman Engine 4.3.1 (API
// 1.41, linux/amd64)".
func (e *Engine) engineName(ctx context.Context) string {
	info, err := e.ServerInfo(ctx)
	if err != nil {
		return "the engine at " + e.cli.DaemonHost()
	}
	return info.String()
}

// BuildKit builds with the engine's embedded BuildKit and its built-in
// Dockerfile frontend (dockerfile.v0). The image goes into the engine's
// image store under every tag (BuildKit's "moby" exporter). Progress is
// drawn in place when out is a terminal (buildKitDisplay).
func (e *Engine) BuildKit(ctx context.Context, spec engine.BuildKitSpec, out io.Writer) (engine.BuildKitResult, error) {
	var res engine.BuildKitResult
	if _, err := e.BuildKitInfo(ctx); err != nil {
		return res, err
	}
	opt, err := solveOpt(spec)
	if err != nil {
		return res, fmt.Errorf("build: %w", err)
	}
	var sent atomic.Int64
	c, err := e.buildkitClient(ctx, &sent)
	if err != nil {
		return res, fmt.Errorf("build: %w", err)
	}
	defer c.Close()

	display, err := buildKitDisplay(out)
	if err != nil {
		return res, fmt.Errorf("build: %w", err)
	}
	ch := make(chan *bkclient.SolveStatus)
	shown := make(chan struct{})
	toDisplay := ch
	if spec.Mask != nil {
		toDisplay = maskProgress(ch, spec.Mask)
	}
	go func() { // ends when Solve closes ch (and maskProgress its copy)
		defer close(shown)
		_, _ = display.UpdateFrom(context.Background(), toDisplay)
	}()
	resp, err := c.Solve(ctx, nil, opt, ch)
	<-shown
	res.SessionBytes = sent.Load()
	if err != nil {
		if ctx.Err() != nil {
			return res, fmt.Errorf("build: %w", ctx.Err())
		}
		return res, fmt.Errorf("build: %s", solveError(err))
	}
	// The image id is the config digest; Engine 20.10's moby exporter
	// reports it as containerimage.digest (its image store has no
	// manifests), newer engines as containerimage.config.digest.
	res.ImageID = resp.ExporterResponse["containerimage.config.digest"]
	if res.ImageID == "" {
		res.ImageID = resp.ExporterResponse["containerimage.digest"]
	}
	if res.ImageID == "" && len(spec.Tags) > 0 {
		// Not every engine reports the config digest; the tag knows it.
		img, ierr := e.cli.ImageInspect(ctx, spec.Tags[0])
		if ierr != nil {
			return res, fmt.Errorf("build: inspect %s: %w", spec.Tags[0], mapErr(ierr))
		}
		res.ImageID = img.ID
	}
	if res.ImageID == "" {
		return res, errors.New("build: the engine reported no image id")
	}
	return res, nil
}

// solveOpt turns a spec into the Dockerfile frontend's options, the way
// `docker build` with BuildKit passes them.
func solveOpt(spec engine.BuildKitSpec) (bkclient.SolveOpt, error) {
	attrs := map[string]string{"filename": spec.Dockerfile}
	if attrs["filename"] == "" {
		attrs["filename"] = "Dockerfile"
	}
	if spec.Target != "" {
		attrs["target"] = spec.Target
	}
	if spec.NoCache {
		attrs["no-cache"] = ""
	}
	if spec.Pull {
		attrs["image-resolve-mode"] = "pull"
	}
	if spec.Platform != "" {
		attrs["platform"] = spec.Platform
	}
	for k, v := range spec.BuildArgs {
		if v != nil { // as the docker CLI: an unset --build-arg K is dropped
			attrs["build-arg:"+k] = *v
		}
	}
	if spec.InlineCache {
		attrs["build-arg:BUILDKIT_INLINE_CACHE"] = "1"
	}
	for k, v := range spec.Labels {
		attrs["label:"+k] = v
	}
	if len(spec.ExtraHosts) > 0 {
		hosts := make([]string, 0, len(spec.ExtraHosts))
		for _, h := range spec.ExtraHosts { // docker's host:ip is the frontend's host=ip
			name, ip, ok := strings.Cut(h, ":")
			if !ok {
				return bkclient.SolveOpt{}, fmt.Errorf("invalid --add-host %q: want host:ip", h)
			}
			hosts = append(hosts, name+"="+ip)
		}
		attrs["add-hosts"] = strings.Join(hosts, ",")
	}
	var entitlements []string
	switch spec.Network {
	case "", "default", "bridge":
	case "host":
		attrs["force-network-mode"] = "host"
		entitlements = append(entitlements, "network.host")
	case "none":
		attrs["force-network-mode"] = "none"
	default:
		return bkclient.SolveOpt{}, fmt.Errorf("--network %s: BuildKit builds run on the default network, the host's (host) or none; a user-defined network needs the classic builder", spec.Network)
	}

	opt := bkclient.SolveOpt{
		Frontend:            "dockerfile.v0",
		FrontendAttrs:       attrs,
		SharedKey:           spec.SharedKey,
		AllowedEntitlements: entitlements,
		LocalMounts:         map[string]fsutil.FS{},
	}
	if spec.RemoteContext != "" {
		attrs["context"] = spec.RemoteContext
	} else {
		fs, err := fsutil.NewFS(spec.ContextDir)
		if err != nil {
			return opt, fmt.Errorf("build context: %w", err)
		}
		if fs, err = fsutil.NewFilterFS(fs, &fsutil.FilterOpt{ExcludePatterns: spec.Excludes, Map: rootOwned}); err != nil {
			return opt, fmt.Errorf("build context: %w", err)
		}
		opt.LocalMounts["context"] = fs
	}
	if spec.DockerfileDir != "" {
		fs, err := fsutil.NewFS(spec.DockerfileDir)
		if err != nil {
			return opt, fmt.Errorf("dockerfile: %w", err)
		}
		opt.LocalMounts["dockerfile"] = fs
	}
	export := bkclient.ExportEntry{Type: "moby", Attrs: map[string]string{}}
	if len(spec.Tags) > 0 {
		export.Attrs["name"] = strings.Join(spec.Tags, ",")
	}
	opt.Exports = []bkclient.ExportEntry{export}
	if spec.InlineCache {
		// What the engine's /build endpoint makes of the build argument: an
		// inline cache export (metadata in the image config).
		opt.CacheExports = []bkclient.CacheOptionsEntry{{Type: "inline"}}
	}
	for _, ref := range spec.CacheFrom {
		opt.CacheImports = append(opt.CacheImports, bkclient.CacheOptionsEntry{Type: "registry", Attrs: map[string]string{"ref": ref}})
	}

	attach := []session.Attachable{newAuthProvider(spec.Auth)}
	if len(spec.Secrets) > 0 {
		attach = append(attach, secretsprovider.FromMap(spec.Secrets))
	}
	if spec.SSHAgent != "" {
		p, err := sshprovider.NewSSHAgentProvider([]sshprovider.AgentConfig{{ID: "default", Paths: []string{spec.SSHAgent}}})
		if err != nil {
			return opt, fmt.Errorf("--ssh default: %w", err)
		}
		attach = append(attach, p)
	}
	opt.Session = attach
	return opt, nil
}

// rootOwned maps every context file to uid/gid 0, as the docker CLI does:
// COPY'd files are root's whatever their owner on the host.
func rootOwned(_ string, st *fstypes.Stat) fsutil.MapResult {
	st.Uid, st.Gid = 0, 0
	return fsutil.MapResultKeep
}

// solveError shortens BuildKit's gRPC error text to what `docker build`
// prints.
func solveError(err error) string {
	msg := err.Error()
	for _, p := range []string{"rpc error: code = Unknown desc = ", "rpc error: code = Canceled desc = "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}

// countingConn counts the bytes written to a connection.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.n.Add(int64(n))
	return n, err
}
