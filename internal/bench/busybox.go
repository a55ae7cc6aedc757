package bench

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/acb-dev/acb/runner/docker"
	"github.com/acb-dev/acb/runner/engine"
)

// BusyboxTag is the local test image every container workload runs: FROM
// scratch plus the host's static busybox (the same image internal/testenv
// builds for the tests).
const BusyboxTag = "acbtest/busybox:1"

// busyboxPath is the host's static busybox (Debian's busybox-static).
const busyboxPath = "/bin/busybox"

// EnsureBusybox builds BusyboxTag through the Engine API unless the engine
// has it. It reports whether it built the image, so the caller can remove
// it again. The context is identical to internal/testenv's (that helper
// needs a testing.TB), so both produce the same image.
func EnsureBusybox(ctx context.Context, e *docker.Engine) (built bool, err error) {
	if _, err := e.InspectImage(ctx, BusyboxTag); err == nil {
		return false, nil
	} else if !errors.Is(err, engine.ErrNotFound) {
		return false, fmt.Errorf("inspect %s: %w", BusyboxTag, err)
	}
	buildCtx, err := busyboxContext()
	if err != nil {
		return false, err
	}
	var out bytes.Buffer
	if _, err := e.Build(ctx, engine.BuildSpec{
		Context: bytes.NewReader(buildCtx),
		Tags:    []string{BusyboxTag},
		Labels:  map[string]string{"dev.acb.test": "busybox"},
	}, &out); err != nil {
		return false, fmt.Errorf("build %s: %w\n%s", BusyboxTag, err, out.String())
	}
	return true, nil
}

// busyboxContext returns the build context tar of BusyboxTag.
func busyboxContext() ([]byte, error) {
	bin, err := os.ReadFile(busyboxPath)
	if err != nil {
		return nil, fmt.Errorf("the benchmark image needs Debian's busybox-static at %s (apt-get install busybox-static): %w", busyboxPath, err)
	}
	listing, err := exec.Command(busyboxPath, "--list").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --list: %w", busyboxPath, err)
	}
	var buf bytes.Buffer
	tw := newTarBuilder(&buf, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	tw.file("Dockerfile", 0o644, []byte("FROM scratch\nCOPY rootfs/ /\nENV PATH=/bin\nCMD [\"sh\"]\n"))
	tw.dir("rootfs/", 0o755)
	tw.dir("rootfs/bin/", 0o755)
	tw.dir("rootfs/etc/", 0o755)
	tw.dir("rootfs/tmp/", 0o1777)
	tw.dir("rootfs/www/", 0o755)
	tw.file("rootfs/etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"))
	tw.file("rootfs/etc/group", 0o644, []byte("root:x:0:\nnogroup:x:65534:\n"))
	tw.file("rootfs/www/index.html", 0o644, []byte("hello from acbtest/busybox\n"))
	tw.file("rootfs/bin/busybox", 0o755, bin)
	for _, applet := range strings.Fields(string(listing)) {
		if applet == "busybox" || strings.Contains(applet, "/") {
			continue
		}
		tw.symlink("rootfs/bin/"+applet, "busybox")
	}
	if err := tw.close(); err != nil {
		return nil, fmt.Errorf("busybox context: %w", err)
	}
	return buf.Bytes(), nil
}

// tarBuilder writes tar entries with a fixed mtime and keeps the first
// error, so a sequence of adds is checked once at close.
type tarBuilder struct {
	tw    *tar.Writer
	mtime time.Time
	err   error
}

func newTarBuilder(w io.Writer, mtime time.Time) *tarBuilder {
	return &tarBuilder{tw: tar.NewWriter(w), mtime: mtime}
}

func (t *tarBuilder) add(h *tar.Header, body []byte) {
	if t.err != nil {
		return
	}
	h.ModTime = t.mtime
	h.Size = int64(len(body))
	if t.err = t.tw.WriteHeader(h); t.err == nil {
		_, t.err = t.tw.Write(body)
	}
}

func (t *tarBuilder) file(name string, mode int64, body []byte) {
	t.add(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode}, body)
}

func (t *tarBuilder) dir(name string, mode int64) {
	t.add(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: mode}, nil)
}

func (t *tarBuilder) symlink(name, target string) {
	t.add(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}, nil)
}

func (t *tarBuilder) close() error {
	if t.err != nil {
		return t.err
	}
	return t.tw.Close()
}
