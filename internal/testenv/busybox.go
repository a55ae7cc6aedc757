package testenv

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/runner/engine"
)

// BusyboxTag is the tag of the test image BusyboxImage builds.
const BusyboxTag = "acbtest/busybox:1"

// BusyboxPath is the host's static busybox (Debian's busybox-static).
const BusyboxPath = "/bin/busybox"

// BusyboxImage returns BusyboxTag, building it first if the engine lacks it
// (see EnsureBusybox). The test fails if it cannot.
func BusyboxImage(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := EnsureBusybox(ctx, Engine(t)); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return BusyboxTag
}

// EnsureBusybox builds BusyboxTag unless the engine has it, and reports
// whether it built it. The image is FROM scratch, holding the host's static
// /bin/busybox with a symlink in /bin for every applet (sh, echo, sleep,
// cat, wget, nc, httpd, ...), /etc/passwd and /etc/group (root, nobody),
// /tmp and /www/index.html. The build goes through the Engine API with an
// in-memory context. It is idempotent and safe across parallel processes:
// the tag is checked first, and concurrent builds of the same deterministic
// context produce the same image. The bench harness uses it too.
func EnsureBusybox(ctx context.Context, e engine.Engine) (built bool, err error) {
	if _, err := e.InspectImage(ctx, BusyboxTag); err == nil {
		return false, nil
	} else if !errors.Is(err, engine.ErrNotFound) {
		return false, fmt.Errorf("inspecting %s: %w", BusyboxTag, err)
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
		return false, fmt.Errorf("building %s: %w\n%s", BusyboxTag, err, out.String())
	}
	return true, nil
}

// busyboxContext returns the build context tar for BusyboxImage.
func busyboxContext() ([]byte, error) {
	bin, err := os.ReadFile(BusyboxPath)
	if err != nil {
		return nil, fmt.Errorf("the test image needs Debian's busybox-static at %s (apt-get install busybox-static): %w", BusyboxPath, err)
	}
	listing, err := exec.Command(BusyboxPath, "--list").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --list: %w", BusyboxPath, err)
	}
	mtime := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) // fixed: keeps the build cacheable
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(h *tar.Header, body []byte) error {
		h.ModTime = mtime
		h.Size = int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		_, err := tw.Write(body)
		return err
	}
	file := func(name string, mode int64, body string) error {
		return add(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode}, []byte(body))
	}
	dir := func(name string, mode int64) error {
		return add(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: mode}, nil)
	}
	steps := []error{
		file("Dockerfile", 0o644, "FROM scratch\nCOPY rootfs/ /\nENV PATH=/bin\nCMD [\"sh\"]\n"),
		dir("rootfs/", 0o755),
		dir("rootfs/bin/", 0o755),
		dir("rootfs/etc/", 0o755),
		dir("rootfs/tmp/", 0o1777),
		dir("rootfs/www/", 0o755),
		file("rootfs/etc/passwd", 0o644, "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
		file("rootfs/etc/group", 0o644, "root:x:0:\nnogroup:x:65534:\n"),
		file("rootfs/www/index.html", 0o644, "hello from acbtest/busybox\n"),
		add(&tar.Header{Typeflag: tar.TypeReg, Name: "rootfs/bin/busybox", Mode: 0o755}, bin),
	}
	for _, err := range steps {
		if err != nil {
			return nil, err
		}
	}
	for _, applet := range strings.Fields(string(listing)) {
		if applet == "busybox" || strings.Contains(applet, "/") {
			continue
		}
		if err := add(&tar.Header{Typeflag: tar.TypeSymlink, Name: "rootfs/bin/" + applet, Linkname: "busybox", Mode: 0o777}, nil); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
