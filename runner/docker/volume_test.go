package docker_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/acb-dev/acb/runner/engine"
)

// tricky content: shell metacharacters, backticks, CRLF, trailing newlines,
// no final newline in another file.
const trickyScript = "#!/bin/sh\necho \"$HOME\" `id -u` $(pwd) '$PATH'\r\n\\n\n\n"

func writeTar(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.HasSuffix(n, "/") {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: n, Mode: 0o755}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		body := files[n]
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: n, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readTar(t *testing.T, r io.Reader) map[string]string {
	t.Helper()
	out := map[string]string{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeDir {
			out[strings.TrimSuffix(h.Name, "/")+"/"] = ""
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name] = string(b)
	}
}

func TestCopyVolumeRoundTrip(t *testing.T) {
	f := setup(t)
	vol := f.volume()
	in := map[string]string{
		"script.sh":     trickyScript,
		"sub/":          "",
		"sub/data.bin":  "\x00\x01\xff$`\n",
		"sub/no-eol":    "last line",
		"sub/empty.txt": "",
	}
	if err := f.e.CopyToVolume(f.ctx, vol, bytes.NewReader(writeTar(t, in))); err != nil {
		t.Fatal(err)
	}

	// A container sees the exact bytes.
	s := f.spec("cat", "/w/script.sh")
	s.Mounts = []engine.Mount{{Type: "volume", Source: vol, Target: "/w"}}
	f.removeLater(s.Name)
	var out bytes.Buffer
	if code, err := f.e.RunContainer(f.ctx, s, engine.Streams{Stdout: &out}); err != nil || code != 0 {
		t.Fatalf("cat: %d %v", code, err)
	}
	if out.String() != trickyScript {
		t.Errorf("container read %q, want %q", out.String(), trickyScript)
	}

	// One file back.
	rc, err := f.e.CopyFromVolume(f.ctx, vol, "script.sh")
	if err != nil {
		t.Fatal(err)
	}
	got := readTar(t, rc)
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["script.sh"] != trickyScript {
		t.Errorf("CopyFromVolume(script.sh) = %q", got)
	}

	// A directory back: entries under its base name.
	rc, err = f.e.CopyFromVolume(f.ctx, vol, "/sub")
	if err != nil {
		t.Fatal(err)
	}
	got = readTar(t, rc)
	rc.Close()
	want := map[string]string{"sub/": "", "sub/data.bin": in["sub/data.bin"], "sub/no-eol": "last line", "sub/empty.txt": ""}
	if len(got) != len(want) {
		t.Errorf("CopyFromVolume(sub) entries %q", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("CopyFromVolume(sub)[%s] = %q, want %q", k, got[k], v)
		}
	}

	// The whole volume: entries under "./".
	rc, err = f.e.CopyFromVolume(f.ctx, vol, ".")
	if err != nil {
		t.Fatal(err)
	}
	got = readTar(t, rc)
	rc.Close()
	if got["./script.sh"] != trickyScript || got["./sub/no-eol"] != "last line" || len(got) != 6 {
		t.Errorf("CopyFromVolume(.) = %q", got)
	}

	// Missing path and missing volume.
	if _, err := f.e.CopyFromVolume(f.ctx, vol, "nope"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("missing path: %v, want ErrNotFound", err)
	}
	if err := f.e.CopyToVolume(f.ctx, f.name("missing"), bytes.NewReader(writeTar(t, in))); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("missing volume: %v, want ErrNotFound", err)
	}
}
