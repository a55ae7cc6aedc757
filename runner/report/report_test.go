package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// behaviourJSON is the example in acr-builder-behaviour.md §7.4, as acb
// prints it.
const behaviourJSON = `[{"image":{"registry":"myreg.azurecr.io","repository":"hello","tag":"cb1","digest":"sha256:aaaa","reference":"myreg.azurecr.io/hello:cb1"},"runtime-dependency":{"registry":"registry.hub.docker.com","repository":"library/alpine","tag":"latest","digest":"sha256:bbbb","reference":"alpine:latest"},"buildtime-dependency":[{"registry":"registry.hub.docker.com","repository":"library/golang","tag":"latest","digest":"sha256:cccc","reference":"golang:latest"}],"git":{"git-head-revision":"abc123"}}]`

// mustScan scans a Dockerfile given as text.
func mustScan(t *testing.T, dockerfile string, opts ScanOptions) *ScanResult {
	t.Helper()
	res, err := Scan(strings.NewReader(dockerfile), opts)
	if err != nil {
		t.Fatalf("Scan(%q): %v", dockerfile, err)
	}
	return res
}

func TestJSONMatchesReference(t *testing.T) {
	scan := mustScan(t, "FROM golang AS build\nFROM alpine\n", ScanOptions{})
	deps := ForBuild([]string{"myreg.azurecr.io/hello:cb1"}, scan, "abc123")
	SetDigests(deps, map[string]string{
		"myreg.azurecr.io/hello:cb1":      "sha256:aaaa",
		"docker.io/library/alpine:latest": "sha256:bbbb",
		"docker.io/library/golang:latest": "sha256:cccc",
	})
	var buf bytes.Buffer
	if err := WriteJSON(&buf, deps); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != behaviourJSON+"\n" {
		t.Errorf("WriteJSON =\n%s\nwant\n%s", got, behaviourJSON)
	}

	// And the reference's JSON reads back into the model unchanged.
	var back []Dependencies
	if err := json.Unmarshal([]byte(behaviourJSON), &back); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := WriteJSON(&buf, back); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != behaviourJSON+"\n" {
		t.Errorf("round trip =\n%s\nwant\n%s", got, behaviourJSON)
	}
}

func TestJSONNullsAndOmissions(t *testing.T) {
	// No tags, scratch runtime, digest-pinned tag-less base, no git context.
	scan := mustScan(t, "FROM golang@"+testDigest+" AS b\nFROM scratch\n", ScanOptions{})
	var buf bytes.Buffer
	if err := WriteJSON(&buf, ForBuild(nil, scan, "")); err != nil {
		t.Fatal(err)
	}
	// scratch is reported as ACR reports it, and never looked up.
	want := `[{"image":null,"runtime-dependency":{"registry":"registry.hub.docker.com","repository":"library/scratch","tag":"latest","digest":"","reference":"scratch:latest"},"buildtime-dependency":[{"registry":"registry.hub.docker.com","repository":"library/golang","digest":"` + testDigest + `","reference":"golang@` + testDigest + `"}],"git":{"git-head-revision":""}}]` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("WriteJSON =\n%s\nwant\n%s", got, want)
	}
	if refs := Refs(ForBuild(nil, scan, "")); len(refs) != 0 {
		t.Errorf("Refs = %v, want none (scratch has no digest; golang is pinned)", refs)
	}

	buf.Reset()
	if err := WriteJSON(&buf, ForBuild([]string{"a:1"}, mustScan(t, "FROM alpine\n", ScanOptions{}), "")); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.Contains(got, `"buildtime-dependency":null`) {
		t.Errorf("WriteJSON = %s; want buildtime-dependency null", got)
	}

	buf.Reset()
	if err := WriteJSON(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "[]\n" {
		t.Errorf("WriteJSON(nil) = %q; want []", got)
	}
}

func TestForBuild(t *testing.T) {
	scan := mustScan(t, "FROM golang:1.22 AS b\nFROM alpine:3.19\n", ScanOptions{})
	deps := ForBuild([]string{"myreg.azurecr.io/app:v1", "myreg.azurecr.io/app:latest", "Bad:Tag"}, scan, "abc")
	if len(deps) != 3 {
		t.Fatalf("ForBuild gave %d entries; want 3", len(deps))
	}
	for i, d := range deps {
		if d.Runtime != scan.Runtime || len(d.Buildtime) != 1 || d.Buildtime[0] != scan.Buildtime[0] {
			t.Errorf("entry %d does not share the scan's dependencies: %+v", i, d)
		}
		if d.Git == nil || d.Git.GitHeadRevision != "abc" {
			t.Errorf("entry %d git = %+v; want abc", i, d.Git)
		}
	}
	if got := deps[1].Image.Tag; got != "latest" {
		t.Errorf("second image tag = %q; want latest", got)
	}
	if got := *deps[2].Image; got != (ImageReference{Reference: "Bad:Tag"}) {
		t.Errorf("unparsable tag gave %+v; want only Reference", got)
	}

	// A Dockerfile that could not be scanned: images only.
	deps = ForBuild(nil, nil, "")
	if len(deps) != 1 || deps[0].Image != nil || deps[0].Runtime != nil || deps[0].Buildtime != nil {
		t.Errorf("ForBuild(nil, nil) = %+v; want one empty entry", deps)
	}
}

func TestRefsAndSetDigests(t *testing.T) {
	scan := mustScan(t, "FROM golang:1.22 AS b\nFROM alpine@"+testDigest+" AS p\nFROM node:20\n", ScanOptions{})
	deps := ForBuild([]string{"r.io/app:1", "r.io/app:2"}, scan, "")
	// A second step building on the same base, scanned separately.
	deps = append(deps, ForBuild([]string{"r.io/app:1"}, mustScan(t, "FROM node:20\n", ScanOptions{}), "")...)
	deps = append(deps, Dependencies{Image: &ImageReference{Reference: "Bad"}})

	var names []string
	for _, r := range Refs(deps) {
		names = append(names, r.Name())
	}
	want := "r.io/app:1 r.io/app:2 docker.io/library/node:20 docker.io/library/golang:1.22"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("Refs = %s; want %s", got, want)
	}

	SetDigests(deps, map[string]string{
		"r.io/app:1":                "sha256:1",
		"docker.io/library/node:20": "sha256:node",
		"":                          "sha256:never",
	})
	if deps[0].Image.Digest != "sha256:1" || deps[2].Image.Digest != "sha256:1" {
		t.Errorf("r.io/app:1 digests = %q, %q; want sha256:1", deps[0].Image.Digest, deps[2].Image.Digest)
	}
	if deps[0].Runtime.Digest != "sha256:node" || deps[2].Runtime.Digest != "sha256:node" {
		t.Errorf("node digests = %q, %q; want sha256:node", deps[0].Runtime.Digest, deps[2].Runtime.Digest)
	}
	if got := scan.Buildtime[1].Digest; got != testDigest {
		t.Errorf("pinned digest changed to %q", got)
	}
	if deps[3].Image.Digest != "" {
		t.Errorf("unparsable image got digest %q", deps[3].Image.Digest)
	}
	if got := len(Refs(deps)); got != 2 {
		t.Errorf("after SetDigests, Refs has %d entries; want 2 (app:2, golang)", got)
	}
}
