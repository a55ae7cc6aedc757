package report

import (
	"bytes"
	"errors"
	"testing"
)

const (
	digest1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	digest2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	digest3 = "sha256:3333333333333333333333333333333333333333333333333333333333333333"
	gitRev  = "0123456789abcdef0123456789abcdef01234567"
)

func TestYAMLGolden(t *testing.T) {
	tests := []struct {
		name       string
		tags       []string
		dockerfile string
		opts       ScanOptions
		git        string
		digests    map[string]string
	}{
		{
			// acr-task-spec.md §11.
			name:       "spec-example",
			tags:       []string{"myregistry.azurecr.io/hello-world:cf19"},
			dockerfile: "FROM node:15-alpine\n",
			git:        gitRev,
			digests:    map[string]string{"myregistry.azurecr.io/hello-world:cf19": digest1, "docker.io/library/node:15-alpine": digest2},
		},
		{
			// acr-builder-behaviour.md §7.4, with a build stage added.
			name:       "behaviour-example",
			tags:       []string{"myregistry.azurecr.io/hello-world:ca1"},
			dockerfile: "ARG V=1.22\nFROM golang:$V AS build\nFROM node:9\n",
			git:        gitRev,
			digests: map[string]string{
				"myregistry.azurecr.io/hello-world:ca1": digest1,
				"docker.io/library/node:9":              digest2,
				"docker.io/library/golang:1.22":         digest3,
			},
		},
		{
			name:       "no-tags-no-git-scratch",
			dockerfile: "FROM golang:1.22 AS build\nFROM scratch\n",
			digests:    map[string]string{"docker.io/library/golang:1.22": digest3},
		},
		{
			name:       "two-tags-pinned-bases",
			tags:       []string{"myreg.azurecr.io/app:cb1", "myreg.azurecr.io/app:latest"},
			dockerfile: "FROM mcr.microsoft.com/dotnet/sdk@" + digest3 + " AS build\nFROM localhost:5000/base:true\nFROM build AS test\nFROM localhost:5000/base:true\n",
			git:        gitRev,
			digests:    map[string]string{"myreg.azurecr.io/app:cb1": digest1, "myreg.azurecr.io/app:latest": digest1, "localhost:5000/base:true": digest2},
		},
		{
			name:       "digests-not-filled",
			tags:       []string{"myreg.azurecr.io/app:1.0"},
			dockerfile: "FROM alpine:3.19 AS a\nFROM alpine:3.20 AS b\nFROM debian:12\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deps := ForBuild(tt.tags, mustScan(t, tt.dockerfile, tt.opts), tt.git)
			SetDigests(deps, tt.digests)
			var buf bytes.Buffer
			if err := WriteYAML(&buf, deps); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "testdata/yaml/"+tt.name+".golden", buf.Bytes())
		})
	}
}

func TestYAMLEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteYAML(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "[]\n" {
		t.Errorf("WriteYAML(nil) = %q; want []", got)
	}
}

func TestScalar(t *testing.T) {
	tests := map[string]string{
		"9":          `"9"`,
		"1.22":       `"1.22"`,
		"1e3":        `"1e3"`,
		"true":       `"true"`,
		"null":       `"null"`,
		"~":          `"~"`,
		"":           `""`,
		"0x1F":       `"0x1F"`,
		"15-alpine":  "15-alpine",
		"latest":     "latest",
		"3.19":       `"3.19"`,
		"sha256:abc": "sha256:abc",
		"lts":        "lts",
		"v1.2":       "v1.2",
		"ca1":        "ca1",
	}
	for in, want := range tests {
		if got := scalar(in); got != want {
			t.Errorf("scalar(%q) = %s; want %s", in, got, want)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFail }

var errFail = errors.New("write failed")

func TestWriteErrors(t *testing.T) {
	deps := ForBuild(nil, nil, "")
	if err := WriteYAML(failWriter{}, deps); err == nil {
		t.Error("WriteYAML to a failing writer: no error")
	}
	if err := WriteJSON(failWriter{}, deps); err == nil {
		t.Error("WriteJSON to a failing writer: no error")
	}
}
