package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/version"
)

// TestReleaseMatrix runs scripts/release.sh (what `make release` runs) for
// all six targets and checks its artefacts independently of the script's
// own checks: every archive holds a static binary of its platform carrying
// the version and revision, this machine's binary prints them, the SBOMs
// describe their binary's platform, and the checksums verify.
func TestReleaseMatrix(t *testing.T) {
	const (
		ver = "v0.1.0-test.1"
		rev = "0123456789abcdef0123456789abcdef01234567"
	)
	dist := t.TempDir()
	script := exec.Command("bash", "scripts/release.sh")
	script.Dir = filepath.Join("..", "..")
	script.Env = append(os.Environ(), "VERSION="+ver, "REVISION="+rev, "DIST="+dist, "SOURCE_DATE_EPOCH=1764633600")
	if out, err := script.CombinedOutput(); err != nil {
		t.Fatalf("release.sh: %v\n%s", err, out)
	}
	name := "acb_" + strings.TrimPrefix(ver, "v")
	for _, target := range []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"} {
		goos, goarch, _ := strings.Cut(target, "/")
		base := name + "_" + goos + "_" + goarch
		exe := "acb"
		dir := t.TempDir()
		archive := filepath.Join(dist, base+".tar.gz")
		unpack := exec.Command("tar", "-xzf", archive, "-C", dir)
		if goos == "windows" {
			exe, archive = "acb.exe", filepath.Join(dist, base+".zip")
			unpack = exec.Command("unzip", "-q", archive, "-d", dir)
		}
		if out, err := unpack.CombinedOutput(); err != nil {
			t.Fatalf("%s: unpack %s: %v\n%s", target, archive, err, out)
		}
		bin := filepath.Join(dir, base, exe)
		for _, f := range []string{"README.md", "CHANGELOG.md", "docs/man/acb.1", "docs/cli/acb_run.md"} {
			if _, err := os.Stat(filepath.Join(dir, base, f)); err != nil {
				t.Errorf("%s: archive lacks %s", target, f)
			}
		}
		info, err := exec.Command("go", "version", "-m", bin).Output()
		if err != nil {
			t.Fatalf("%s: go version -m: %v", target, err)
		}
		for _, want := range []string{"\tGOOS=" + goos + "\n", "\tGOARCH=" + goarch + "\n", "\tCGO_ENABLED=0\n", "\t-trimpath=true\n", "\tpath\tgithub.com/acb-dev/acb/cmd/acb\n"} {
			if !strings.Contains(string(info), want) {
				t.Errorf("%s: go version -m lacks %q:\n%s", target, strings.TrimSpace(want), info)
			}
		}
		// -trimpath keeps -ldflags out of the build info; the -X values are
		// in the binary's data.
		b, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(ver)) || !bytes.Contains(b, []byte(rev)) {
			t.Errorf("%s: binary lacks version %s or revision %s", target, ver, rev)
		}
		if goos == runtime.GOOS && goarch == runtime.GOARCH {
			out, err := exec.Command(bin, "version", "-o", "json").Output()
			if err != nil {
				t.Fatalf("%s: acb version: %v", target, err)
			}
			var got version.Info
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%s: acb version -o json: %v\n%s", target, err, out)
			}
			if got.Version != ver || got.Revision != rev || got.Platform != target {
				t.Errorf("%s: acb version -o json: %+v", target, got)
			}
		}
		sbom, err := os.ReadFile(filepath.Join(dist, base+".cdx.json"))
		if err != nil {
			t.Fatalf("%s: SBOM: %v", target, err)
		}
		var doc struct {
			BOMFormat  string
			Metadata   struct{ Component struct{ Purl string } }
			Components []struct{ Purl string }
		}
		if err := json.Unmarshal(sbom, &doc); err != nil {
			t.Fatalf("%s: SBOM not JSON: %v", target, err)
		}
		wantPurl := "pkg:golang/github.com/acb-dev/acb@" + ver + "?goarch=" + goarch + "&goos=" + goos
		if doc.BOMFormat != "CycloneDX" || !strings.HasPrefix(doc.Metadata.Component.Purl, wantPurl) || len(doc.Components) < 20 {
			t.Errorf("%s: SBOM %s, main component %q (want %q...), %d components", target, doc.BOMFormat, doc.Metadata.Component.Purl, wantPurl, len(doc.Components))
		}
	}
	check := exec.Command("sha256sum", "-c", name+"_checksums.txt")
	check.Dir = dist
	out, err := check.CombinedOutput()
	if err != nil || strings.Count(string(out), ": OK") != 12 {
		t.Errorf("sha256sum -c: %v\n%s", err, out)
	}
}
