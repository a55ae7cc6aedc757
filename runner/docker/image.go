package docker

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/moby/moby/api/pkg/authconfig"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/acb-dev/acb/runner/engine"
)

// Build builds an image with the engine's classic builder (BuildKit is not
// used), streaming spec.Context to the engine without buffering it. The
// engine's output is written to out as text ("Step 1/3 : FROM ...", command
// output). It returns the image id the engine reports ("sha256:...").
func (e *Engine) Build(ctx context.Context, spec engine.BuildSpec, out io.Writer) (string, error) {
	opts := client.ImageBuildOptions{
		Tags:          spec.Tags,
		Dockerfile:    spec.Dockerfile,
		BuildArgs:     spec.BuildArgs,
		Target:        spec.Target,
		NoCache:       spec.NoCache,
		PullParent:    spec.Pull,
		Labels:        spec.Labels,
		NetworkMode:   spec.Network,
		ExtraHosts:    spec.ExtraHosts,
		Isolation:     container.Isolation(spec.Isolation),
		CacheFrom:     spec.CacheFrom,
		RemoteContext: spec.RemoteURL,
		// Remove intermediate containers, also after a failed step (unlike
		// `docker build`'s default), so a failed build leaves nothing behind.
		Remove:      true,
		ForceRemove: true,
		Version:     build.BuilderV1,
	}
	if spec.Platform != "" {
		p, err := parsePlatform(spec.Platform)
		if err != nil {
			return "", err
		}
		opts.Platforms = []ocispec.Platform{p}
	}
	if len(spec.Auth) > 0 {
		opts.AuthConfigs = make(map[string]registry.AuthConfig, len(spec.Auth))
		for host, a := range spec.Auth {
			opts.AuthConfigs[host] = authConfig(a)
		}
	}
	buildContext := spec.Context
	if spec.RemoteURL != "" {
		buildContext = nil
	}
	res, err := e.cli.ImageBuild(ctx, buildContext, opts)
	if err != nil {
		return "", fmt.Errorf("build: %w", mapErr(err))
	}
	defer res.Body.Close()

	var imageID string
	err = renderJSONStream(res.Body, out, func(aux json.RawMessage) {
		var r build.Result
		if json.Unmarshal(aux, &r) == nil && r.ID != "" {
			imageID = r.ID
		}
	})
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("build: %w", ctx.Err())
		}
		return "", fmt.Errorf("build: %w", err)
	}
	if imageID == "" {
		return "", fmt.Errorf("build: the engine reported no image id")
	}
	return imageID, nil
}

// Pull pulls ref, writing the engine's progress to out as text lines. auth
// may be nil for anonymous access.
func (e *Engine) Pull(ctx context.Context, ref string, auth *engine.RegistryAuth, out io.Writer) error {
	opts := client.ImagePullOptions{}
	if auth != nil {
		enc, err := authconfig.Encode(authConfig(*auth))
		if err != nil {
			return err
		}
		opts.RegistryAuth = enc
	}
	res, err := e.cli.ImagePull(ctx, ref, opts)
	if err != nil {
		return fmt.Errorf("pull %s: %w", ref, mapErr(err))
	}
	defer res.Close()
	if err := renderJSONStream(res, out, nil); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("pull %s: %w", ref, ctx.Err())
		}
		return fmt.Errorf("pull %s: %w", ref, err)
	}
	return nil
}

// digestLine matches the push status line "<tag>: digest: sha256:... size: N".
var digestLine = regexp.MustCompile(`digest: (sha256:[0-9a-f]{64})`)

// Push pushes ref (its tag, "latest" when it has none), writing progress to
// out as text lines, and returns the pushed manifest digest.
func (e *Engine) Push(ctx context.Context, ref string, auth *engine.RegistryAuth, out io.Writer) (string, error) {
	opts := client.ImagePushOptions{}
	if auth != nil {
		enc, err := authconfig.Encode(authConfig(*auth))
		if err != nil {
			return "", err
		}
		opts.RegistryAuth = enc
	} else {
		// The engine rejects a push without the header on some versions.
		enc, _ := authconfig.Encode(registry.AuthConfig{})
		opts.RegistryAuth = enc
	}
	res, err := e.cli.ImagePush(ctx, ref, opts)
	if err != nil {
		return "", fmt.Errorf("push %s: %w", ref, mapErr(err))
	}
	defer res.Close()

	sniff := &digestSniffer{w: nonNil(out)}
	var digest string
	rerr := renderJSONStream(res, keepTerminal(sniff, out), func(aux json.RawMessage) {
		var r struct{ Digest string }
		if json.Unmarshal(aux, &r) == nil && r.Digest != "" {
			digest = r.Digest
		}
	})
	if rerr != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("push %s: %w", ref, ctx.Err())
		}
		return "", fmt.Errorf("push %s: %w", ref, rerr)
	}
	if digest == "" {
		// Fallback for engines that send no aux message: the status line.
		digest = sniff.digest
	}
	if digest == "" {
		return "", fmt.Errorf("push %s: the engine reported no digest", ref)
	}
	return digest, nil
}

// InspectImage returns a local image's id and repo digests, or an error
// wrapping engine.ErrNotFound.
func (e *Engine) InspectImage(ctx context.Context, ref string) (engine.ImageInfo, error) {
	res, err := e.cli.ImageInspect(ctx, ref)
	if err != nil {
		return engine.ImageInfo{}, fmt.Errorf("inspect image %s: %w", ref, mapErr(err))
	}
	return engine.ImageInfo{ID: res.ID, RepoDigests: res.RepoDigests}, nil
}

// RemoveImage force-removes a local image reference (also when the image is
// tagged several times or used by stopped containers) and, once the image is
// untagged, its untagged parents.
func (e *Engine) RemoveImage(ctx context.Context, ref string) error {
	if _, err := e.cli.ImageRemove(ctx, ref, client.ImageRemoveOptions{Force: true, PruneChildren: true}); err != nil {
		return fmt.Errorf("remove image %s: %w", ref, mapErr(err))
	}
	return nil
}

// authConfig converts an acb credential to the Engine API's.
func authConfig(a engine.RegistryAuth) registry.AuthConfig {
	return registry.AuthConfig{
		Username:      a.Username,
		Password:      a.Password,
		IdentityToken: a.IdentityToken,
		ServerAddress: a.ServerAddress,
	}
}

// parsePlatform parses "os[/arch[/variant]]".
func parsePlatform(s string) (ocispec.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) > 3 || parts[0] == "" {
		return ocispec.Platform{}, fmt.Errorf("invalid platform %q: want os[/arch[/variant]]", s)
	}
	p := ocispec.Platform{OS: parts[0]}
	if len(parts) > 1 {
		p.Architecture = parts[1]
	}
	if len(parts) > 2 {
		p.Variant = parts[2]
	}
	return p, nil
}

// nonNil returns w, or io.Discard when w is nil.
func nonNil(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// digestSniffer passes text through and remembers the digest of a
// "tag: digest: sha256:... size: N" push status line.
type digestSniffer struct {
	w      io.Writer
	digest string
}

func (d *digestSniffer) Write(p []byte) (int, error) {
	if m := digestLine.FindSubmatch(p); m != nil {
		d.digest = string(m[1])
	}
	return d.w.Write(p)
}
