package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/acb-dev/acb/runner/engine"
)

// HelperImage is the local image of the never-started containers that
// CopyToVolume and CopyFromVolume mount a volume in. It is imported from an
// in-memory tar holding one empty directory; nothing is pulled.
const HelperImage = "acb.local/volume-helper:1"

// helperMountPoint is where a helper container mounts the volume.
const helperMountPoint = "/v"

// CreateVolume creates a named local volume carrying labels.
func (e *Engine) CreateVolume(ctx context.Context, name string, labels map[string]string) error {
	cctx, cancelCreate := createContext(ctx)
	defer cancelCreate()
	if _, err := e.cli.VolumeCreate(cctx, client.VolumeCreateOptions{Name: name, Labels: labels}); err != nil {
		return fmt.Errorf("create volume %s: %w", name, mapErr(err))
	}
	return nil
}

// RemoveVolume force-removes a named volume.
func (e *Engine) RemoveVolume(ctx context.Context, name string) error {
	if _, err := e.cli.VolumeRemove(ctx, name, client.VolumeRemoveOptions{Force: true}); err != nil {
		return fmt.Errorf("remove volume %s: %w", name, mapErr(err))
	}
	return nil
}

// CopyToVolume unpacks a tar stream into the volume's root. The tar is
// streamed to the engine, which writes it through a created (never started)
// helper container that mounts the volume; the helper is removed afterwards.
func (e *Engine) CopyToVolume(ctx context.Context, volume string, tarStream io.Reader) (err error) {
	id, err := e.createHelper(ctx, volume)
	if err != nil {
		return err
	}
	defer func() {
		if rerr := e.removeHelper(ctx, id); err == nil {
			err = rerr
		}
	}()
	_, err = e.cli.CopyToContainer(ctx, id, client.CopyToContainerOptions{
		DestinationPath: helperMountPoint,
		Content:         tarStream,
		CopyUIDGID:      true,
	})
	if err != nil {
		return fmt.Errorf("copy to volume %s: %w", volume, mapErr(err))
	}
	return nil
}

// CopyFromVolume streams a tar of p, a path relative to the volume root.
// As with `docker cp`, the tar's entries are named after the base name of p;
// for the root (p "", "." or "/") they are named "./" and "./<entry>".
// Closing the returned reader removes the helper container.
func (e *Engine) CopyFromVolume(ctx context.Context, volume, p string) (io.ReadCloser, error) {
	id, err := e.createHelper(ctx, volume)
	if err != nil {
		return nil, err
	}
	src := path.Join(helperMountPoint, strings.TrimPrefix(path.Clean("/"+p), "/"))
	res, err := e.cli.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: src})
	if err != nil {
		_ = e.removeHelper(ctx, id)
		return nil, fmt.Errorf("copy %s from volume %s: %w", p, volume, mapErr(err))
	}
	content := res.Content
	if src == helperMountPoint {
		// The root's contents as entries "./...". Asking for "v/." gives
		// that on Docker but bare names without a root entry on Podman, so
		// the root is archived as the directory ("v/...", both engines) and
		// renamed.
		content = renameTarRoot(content, path.Base(helperMountPoint)+"/", "./")
	}
	return &helperReader{ReadCloser: content, cleanup: func() error { return e.removeHelper(ctx, id) }}, nil
}

// renameTarRoot streams tar src with the prefix from of entry names (and
// hard link targets) replaced by to.
func renameTarRoot(src io.ReadCloser, from, to string) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		tr, tw := tar.NewReader(src), tar.NewWriter(pw)
		rename := func(name string) string {
			if name+"/" == from {
				return to
			}
			if rest, ok := strings.CutPrefix(name, from); ok {
				return to + rest
			}
			return name
		}
		for {
			hdr, err := tr.Next()
			if err == io.EOF {
				pw.CloseWithError(tw.Close())
				return
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			hdr.Name = rename(hdr.Name)
			if hdr.Typeflag == tar.TypeLink {
				hdr.Linkname = rename(hdr.Linkname)
			}
			if err := tw.WriteHeader(hdr); err != nil {
				pw.CloseWithError(err)
				return
			}
			if _, err := io.Copy(tw, tr); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
	}()
	return &pipeCloser{PipeReader: pr, src: src}
}

// pipeCloser closes the pipe and the stream feeding it.
type pipeCloser struct {
	*io.PipeReader
	src io.Closer
}

func (p *pipeCloser) Close() error {
	_ = p.PipeReader.Close()
	return p.src.Close()
}

// helperReader removes its helper container when closed.
type helperReader struct {
	io.ReadCloser
	once    sync.Once
	cleanup func() error
	err     error
}

// Close closes the stream and removes the helper container.
func (h *helperReader) Close() error {
	h.once.Do(func() {
		cerr := h.ReadCloser.Close()
		h.err = h.cleanup()
		if h.err == nil {
			h.err = cerr
		}
	})
	return h.err
}

// createHelper creates a helper container with volume mounted at /v. The
// volume must exist.
func (e *Engine) createHelper(ctx context.Context, volume string) (string, error) {
	if err := e.ensureHelperImage(ctx); err != nil {
		return "", err
	}
	// Without this check the engine would silently create a missing volume.
	if _, err := e.cli.VolumeInspect(ctx, volume, client.VolumeInspectOptions{}); err != nil {
		return "", fmt.Errorf("volume %s: %w", volume, mapErr(err))
	}
	cctx, cancelCreate := createContext(ctx)
	defer cancelCreate()
	created, err := e.cli.ContainerCreate(cctx, client.ContainerCreateOptions{
		Config: &container.Config{
			Image:           HelperImage,
			Cmd:             []string{"/never-started"},
			NetworkDisabled: true,
			// Labelled with the volume, so a helper whose create completes
			// after the client gave up is still found and removed.
			Labels: map[string]string{"dev.acb.helper": "volume", engine.LabelHelperVolume: volume},
		},
		HostConfig: &container.HostConfig{
			NetworkMode: "none",
			Mounts: []mount.Mount{{
				Type: mount.TypeVolume, Source: volume, Target: helperMountPoint,
				VolumeOptions: &mount.VolumeOptions{NoCopy: true},
			}},
		},
	})
	if err != nil {
		return "", fmt.Errorf("volume %s: create helper container: %w", volume, mapErr(err))
	}
	return created.ID, nil
}

// removeHelper removes a helper container on a context detached from ctx.
func (e *Engine) removeHelper(ctx context.Context, id string) error {
	rctx, cancel := engine.Detached(ctx, cleanupTimeout)
	defer cancel()
	if _, err := e.cli.ContainerRemove(rctx, id, client.ContainerRemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove helper container: %w", err)
	}
	return nil
}

// ensureHelperImage makes sure HelperImage exists locally, importing it from
// an in-memory tar when missing. The result is cached in the Engine.
func (e *Engine) ensureHelperImage(ctx context.Context) error {
	e.helperMu.Lock()
	defer e.helperMu.Unlock()
	if e.helperReady {
		return nil
	}
	if _, err := e.cli.ImageInspect(ctx, HelperImage); err == nil {
		e.helperReady = true
		return nil
	} else if !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("inspect %s: %w", HelperImage, err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "v/", Mode: 0o755}); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	res, err := e.cli.ImageImport(ctx, client.ImageImportSource{Source: &buf, SourceName: "-"}, HelperImage,
		client.ImageImportOptions{Message: "acb volume helper (never started)"})
	if err != nil {
		return fmt.Errorf("import %s: %w", HelperImage, err)
	}
	defer res.Close()
	if err := renderJSONStream(res, io.Discard, nil); err != nil {
		return fmt.Errorf("import %s: %w", HelperImage, err)
	}
	e.helperReady = true
	return nil
}
