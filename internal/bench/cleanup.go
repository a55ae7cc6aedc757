package bench

import (
	"context"
	"errors"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/runner/engine"
)

// cleanEngine removes, in order, the containers, networks and volumes
// labelled with the harness id or with an acb run id the harness chose, then
// the images it built or had acb build, and the busybox image if it built it.
func (h *Harness) cleanEngine(ctx context.Context) error {
	var errs []error
	mine := func(labels map[string]string) bool {
		return labels[LabelKey] == h.id || strings.HasPrefix(labels[engine.LabelRun], h.id+"-")
	}
	for _, key := range []string{LabelKey, engine.LabelRun} {
		f := client.Filters{}.Add("label", key)
		cs, err := h.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
		if err != nil {
			errs = append(errs, fmt.Errorf("list containers: %w", err))
		} else {
			for _, c := range cs.Items {
				if mine(c.Labels) {
					_, err := h.cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
					errs = append(errs, wrap(err, "remove container %s", c.ID))
				}
			}
		}
	}
	for _, key := range []string{LabelKey, engine.LabelRun} {
		f := client.Filters{}.Add("label", key)
		ns, err := h.cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
		if err != nil {
			errs = append(errs, fmt.Errorf("list networks: %w", err))
		} else {
			for _, n := range ns.Items {
				if mine(n.Labels) {
					_, err := h.cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
					errs = append(errs, wrap(err, "remove network %s", n.Name))
				}
			}
		}
		vs, err := h.cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
		if err != nil {
			errs = append(errs, fmt.Errorf("list volumes: %w", err))
		} else {
			for _, v := range vs.Items {
				if mine(v.Labels) {
					_, err := h.cli.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true})
					errs = append(errs, wrap(err, "remove volume %s", v.Name))
				}
			}
		}
	}
	errs = append(errs, h.removeImages(ctx, h.images...))
	h.images = nil
	// Images built with the harness label that lost their tag.
	is, err := h.cli.ImageList(ctx, client.ImageListOptions{All: true, Filters: client.Filters{}.Add("label", LabelKey+"="+h.id)})
	if err != nil {
		errs = append(errs, fmt.Errorf("list images: %w", err))
	} else {
		for _, i := range is.Items {
			_, err := h.cli.ImageRemove(ctx, i.ID, client.ImageRemoveOptions{Force: true, PruneChildren: true})
			if err != nil && !notFound(err) {
				errs = append(errs, fmt.Errorf("remove image %s: %w", i.ID, err))
			}
		}
	}
	if h.ownBB {
		errs = append(errs, h.removeImages(ctx, BusyboxTag))
	}
	return errors.Join(errs...)
}

// removeImages removes images by reference with their untagged parents;
// missing ones are fine.
func (h *Harness) removeImages(ctx context.Context, refs ...string) error {
	var errs []error
	for _, ref := range refs {
		_, err := h.cli.ImageRemove(ctx, ref, client.ImageRemoveOptions{Force: true, PruneChildren: true})
		if err != nil && !notFound(err) {
			errs = append(errs, fmt.Errorf("remove image %s: %w", ref, err))
		}
	}
	return errors.Join(errs...)
}

func notFound(err error) bool {
	return cerrdefs.IsNotFound(err)
}

// wrap returns nil for a nil err, and err with context otherwise.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// joinErr is errors.Join that keeps a lone error unwrapped.
func joinErr(a, b error) error {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	return errors.Join(a, b)
}
