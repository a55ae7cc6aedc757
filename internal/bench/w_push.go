package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// pushN is the number of images pushed per run.
const pushN = 3

// push measures three pushes of distinct random images to an in-process
// registry that is emptied before every run: an acb task of push steps
// against `docker push` and the Engine API's ImagePush.
func (h *Harness) push(ctx context.Context) (err error) {
	w := fmt.Sprintf("push, %d images of %d MiB", pushN, h.cfg.PushMiB)
	reg, err := StartRegistry()
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		err = joinErr(err, wrap(reg.Close(sctx), "stop registry"))
	}()
	refs := make([]string, pushN)
	for i := range refs {
		refs[i] = fmt.Sprintf("%s/acbbench/push%d:%s", reg.Addr, i, h.id)
		h.images = append(h.images, refs[i])
		if err := h.buildRandomImage(ctx, refs[i], h.cfg.PushMiB, uint64(1000+i)); err != nil {
			return err
		}
	}
	task, err := h.writeTask("push.yaml", pushTask(refs))
	if err != nil {
		return err
	}
	// Each run must upload at least the layers' bytes: the registry is
	// empty, so nothing may be skipped as already present.
	minUp := int64(pushN) * int64(h.cfg.PushMiB) << 20
	checked := func(do func(context.Context) (time.Duration, int64, error)) func(context.Context) (time.Duration, int64, error) {
		return func(ctx context.Context) (time.Duration, int64, error) {
			d, rss, err := do(ctx)
			if err == nil && reg.Uploaded() < minUp {
				err = fmt.Errorf("the registry received %d bytes, fewer than the %d of the layers", reg.Uploaded(), minUp)
			}
			return d, rss, err
		}
	}
	reset := func(context.Context) error { reg.Reset(); return nil }
	script := "set -e; for r in " + strings.Join(refs, " ") + "; do docker push $r; done"
	res, err := h.measure(ctx, w, h.cfg.Reps, []Variant{
		{Name: vACB, NeedsRun: true, Prepare: reset, Do: checked(process(func() Cmd { return h.acbRun(task, "/dev/null") }))},
		{Name: vCLI, Prepare: reset, Do: checked(process(func() Cmd { return Cmd{Path: "bash", Args: []string{"-c", script}} }))},
		{Name: vAPI, Prepare: reset, Do: checked(timed(func(ctx context.Context) error {
			for _, r := range refs {
				if err := h.apiPush(ctx, r); err != nil {
					return err
				}
			}
			return nil
		}))},
	})
	h.keepRSS(w, res[vACB])
	if err != nil {
		return err
	}
	h.addRow(w, vACB, res, vCLI)
	h.addRow(w, vCLI, res, vAPI)
	h.addRow(w, vAPI, res, "")
	if _, ok := res[vACB]; ok {
		r, _, _ := h.row(w, vACB, res, vAPI)
		r.Variant += " (vs API)"
		h.rep.Rows = append(h.rep.Rows, r)
	}
	return nil
}

// buildRandomImage builds FROM scratch an image of one layer holding mib
// MiB of pseudo-random bytes from seed, tagged ref and labelled.
func (h *Harness) buildRandomImage(ctx context.Context, ref string, mib int, seed uint64) error {
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	body := make([]byte, mib<<20)
	_, _ = rand.NewChaCha8(s).Read(body)
	var buf bytes.Buffer
	tb := newTarBuilder(&buf, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	tb.file("Dockerfile", 0o644, []byte("FROM scratch\nCOPY layer /layer\n"))
	tb.file("layer", 0o644, body)
	if err := tb.close(); err != nil {
		return fmt.Errorf("image context: %w", err)
	}
	res, err := h.cli.ImageBuild(ctx, &buf, client.ImageBuildOptions{
		Tags: []string{ref}, Remove: true, ForceRemove: true, Labels: h.labels(), Version: build.BuilderV1,
	})
	if err != nil {
		return fmt.Errorf("build %s: %w", ref, err)
	}
	defer res.Body.Close()
	return wrap(drainJSON(res.Body), "build %s", ref)
}

// apiPush pushes ref through the Engine API with empty credentials (as the
// docker CLI sends for a registry it has none for) and drains the progress.
func (h *Harness) apiPush(ctx context.Context, ref string) error {
	rc, err := h.cli.ImagePush(ctx, ref, client.ImagePushOptions{RegistryAuth: base64.URLEncoding.EncodeToString([]byte("{}"))})
	if err != nil {
		return fmt.Errorf("push %s: %w", ref, err)
	}
	defer rc.Close()
	return wrap(drainJSON(rc), "push %s", ref)
}
