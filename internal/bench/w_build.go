package bench

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// buildWorkload names the build workload's rows.
const buildWorkload = "build, 200 MiB context"

// build measures a classic, cache-less build of FROM busybox + COPY of a
// random file: acb's build step against `DOCKER_BUILDKIT=0 docker build` and
// the Engine API's ImageBuild with the context tar streamed from disk. Every
// variant's image is removed (untimed) before each of its runs.
func (h *Harness) build(ctx context.Context) error {
	w := buildWorkload
	if h.cfg.BuildMiB != 200 {
		w = fmt.Sprintf("build, %d MiB context", h.cfg.BuildMiB)
	}
	dir := filepath.Join(h.tmp, "build")
	if err := writeBuildContext(dir, h.cfg.BuildMiB); err != nil {
		return err
	}
	label := LabelKey + "=" + h.id
	tag := func(v string) string { return "acbbench/build:" + v + "-" + h.id }
	h.images = append(h.images, tag("acb"), tag("cli"), tag("api"))
	task, err := h.writeTask("build.yaml", buildTask(tag("acb"), label))
	if err != nil {
		return err
	}
	// The same run without its step: acb's fixed cost of ACR's run layout
	// (run volume, network, Docker configuration, clean-up).
	empty, err := h.writeTask("empty.yaml", "version: v1.1.0\nsteps: []\n")
	if err != nil {
		return err
	}
	rm := func(ref string) func(context.Context) error {
		return func(ctx context.Context) error { return h.removeImages(ctx, ref) }
	}
	res, err := h.measure(ctx, w, h.cfg.Reps, []Variant{
		{Name: vACB, NeedsRun: true, Prepare: rm(tag("acb")), Do: process(func() Cmd { return h.acbRun(task, dir) })},
		{Name: vACBEmpty, NeedsRun: true, Do: process(func() Cmd { return h.acbRun(empty, dir) })},
		{Name: vCLI + " (classic builder)", Prepare: rm(tag("cli")), Do: process(func() Cmd {
			return Cmd{Path: "docker", Args: []string{"build", "--no-cache", "--label", label, "-t", tag("cli"), dir}, Env: []string{"DOCKER_BUILDKIT=0"}}
		})},
		{Name: vAPI + " (ImageBuild, streamed tar)", Prepare: rm(tag("api")), Do: timed(func(ctx context.Context) error {
			return h.apiBuild(ctx, dir, tag("api"))
		})},
	})
	h.keepRSS(w, res[vACB])
	if err != nil {
		return err
	}
	fixed, build := res[vACBEmpty].Summary().Median, res[vACB].Summary().Median
	cli := res[vCLI+" (classic builder)"].Summary().Median
	why := fmt.Sprintf("docker CLI ÷ API is %.2f here, so the engine is not the bound. "+
		"acb reads a build-only task's context straight from the source directory (one trip through the engine, as docker build). "+
		"What remains is acb's fixed cost per run: the same run with no step (run volume, network, Docker configuration, clean-up, as ACR's model needs) takes %s; "+
		"the build itself, acb run minus that, is %.2f × docker CLI.",
		Ratio(res[vCLI+" (classic builder)"].Summary(), res[vAPI+" (ImageBuild, streamed tar)"].Summary()),
		FormatDuration(fixed), float64(build-fixed)/float64(cli))
	h.addGoalRow(w, vACB, "", res, vCLI+" (classic builder)", 1.10, false, why)
	h.addRow(w, vACBEmpty, res, "")
	h.addRow(w, vCLI+" (classic builder)", res, vAPI+" (ImageBuild, streamed tar)")
	h.addRow(w, vAPI+" (ImageBuild, streamed tar)", res, "")
	if _, ok := res[vACB]; ok {
		r, _, _ := h.row(w, vACB, res, vAPI+" (ImageBuild, streamed tar)")
		r.Variant += " (vs API)"
		h.rep.Rows = append(h.rep.Rows, r)
	}
	return nil
}

// writeBuildContext writes dir/Dockerfile and dir/data, mib MiB of
// pseudo-random (incompressible) bytes.
func writeBuildContext(dir string, mib int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("build context: %w", err)
	}
	df := "FROM " + BusyboxTag + "\nCOPY data /data\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		return fmt.Errorf("build context: %w", err)
	}
	return writeRandom(filepath.Join(dir, "data"), int64(mib)<<20, uint64(mib))
}

// writeRandom writes n pseudo-random bytes from seed to path.
func writeRandom(path string, n int64, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("random file: %w", err)
	}
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	_, err = io.CopyN(f, rand.NewChaCha8(s), n)
	return errors.Join(wrap(err, "random file %s", path), f.Close())
}

// apiBuild builds dir with the classic builder through ImageBuild, the tar
// written on the fly into a pipe, and drains the output, failing on an
// error message in it.
func (h *Harness) apiBuild(ctx context.Context, dir, tag string) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(tarDir(dir, pw)) }()
	defer pr.Close()
	res, err := h.cli.ImageBuild(ctx, pr, client.ImageBuildOptions{
		Tags: []string{tag}, NoCache: true, Remove: true, ForceRemove: true,
		Labels: h.labels(), Version: build.BuilderV1,
	})
	if err != nil {
		return fmt.Errorf("image build: %w", err)
	}
	defer res.Body.Close()
	return drainJSON(res.Body)
}

// drainJSON reads an Engine API JSON message stream to its end and returns
// the first error message in it.
func drainJSON(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var m struct {
			Error       string `json:"error"`
			ErrorDetail *struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&m); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("engine output: %w", err)
		}
		if m.Error != "" {
			return fmt.Errorf("engine: %s", m.Error)
		}
		if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
			return fmt.Errorf("engine: %s", m.ErrorDetail.Message)
		}
	}
}

// tarDir writes the regular files directly in dir as a tar stream.
func tarDir(dir string, w io.Writer) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if err := tarFile(tw, filepath.Join(dir, e.Name()), e.Name()); err != nil {
			return err
		}
	}
	return tw.Close()
}

func tarFile(tw *tar.Writer, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	hdr, err := tar.FileInfoHeader(fi, "")
	if err != nil {
		return err
	}
	hdr.Name = name
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}
