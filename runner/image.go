package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/engine"
)

// mapImage applies opts.ImageMap to an image reference: an exact key wins,
// then the longest key that is a prefix of ref ending at a path or tag
// boundary ('/', ':' or '@').
func mapImage(m map[string]string, ref string) string {
	if len(m) == 0 {
		return ref
	}
	if to, ok := m[ref]; ok {
		return to
	}
	best := ""
	for from := range m {
		if len(from) <= len(best) || !strings.HasPrefix(ref, from) {
			continue
		}
		switch ref[len(from)] {
		case '/', ':', '@':
			best = from
		}
	}
	if best == "" {
		return ref
	}
	return m[best] + ref[len(best):]
}

// registryOf returns the registry host of an image reference ("index.docker.io"
// for Docker Hub), or "" when ref does not parse.
func registryOf(ref string) string {
	r, err := name.ParseReference(ref, name.WeakValidation)
	if err != nil {
		return ""
	}
	return r.Context().RegistryStr()
}

// authFor finds credentials for ref's registry: opts.Logins
// (by host, with Docker Hub's aliases), then opts.Keychain; nil means
// anonymous.
func (r *run) authFor(ctx context.Context, ref string) (*engine.RegistryAuth, error) {
	host := registryOf(ref)
	if host == "" {
		return nil, nil
	}
	candidates := []string{host}
	if host == name.DefaultRegistry {
		candidates = append(candidates, "docker.io", "registry-1.docker.io", "https://index.docker.io/v1/")
	}
	for _, h := range candidates {
		a, ok, err := r.registryAuth(ctx, h)
		if err != nil {
			return nil, err
		}
		if ok {
			return &a, nil
		}
	}
	if r.opts.Keychain == nil {
		return nil, nil
	}
	a, err := r.opts.Keychain(host)
	if err != nil {
		return nil, fmt.Errorf("credentials for %s: %w", host, err)
	}
	return a, nil
}

// ensureImage applies the pull policy to a cmd step's image: explicit
// pull: true pulls always (logged), "always" pulls, "missing" pulls when
// the engine lacks the image, "never" fails when it does.
func (r *run) ensureImage(ctx context.Context, s *graph.Step, image string, out *stepOutput) error {
	if s.Pull {
		r.c.logf(s.ID, evPull, "Step specified pull. Performing an explicit pull...")
		return r.explicitPull(ctx, s, image, r.progress(out))
	}
	policy := r.opts.Pull
	if policy == PullAlways {
		return r.pull(ctx, image, r.progress(out))
	}
	_, err := r.eng.InspectImage(ctx, image)
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, engine.ErrNotFound):
		return engineErr("inspecting image "+image, err)
	case policy == PullNever:
		r.c.errorf(s.ID, evPull, "Step ID: %s: image %s not found locally and the pull policy is never", s.ID, image)
		return fmt.Errorf("image %s not found locally (pull policy never); build or load it, let acb pull it (--pull missing), "+
			"or point the step at a local image with --image-map %s=LOCAL or --alias NAME=LOCAL", image, image)
	}
	fmt.Fprintf(out.stderr, "Unable to find image '%s' locally\n", image)
	return r.pull(ctx, image, r.progress(out))
}

func (r *run) pull(ctx context.Context, image string, w io.Writer) error {
	auth, err := r.authFor(ctx, image)
	if err != nil {
		return err
	}
	if err := r.eng.Pull(ctx, image, auth, w); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("pulling %s: %w", image, err)
		}
		return fmt.Errorf("pulling %s: %w; if the image is local only, use --pull never; to run a local image instead, "+
			"--image-map %s=LOCAL (or --alias NAME=LOCAL for a task alias); if the registry needs a login, --credential", image, err, image)
	}
	return nil
}
