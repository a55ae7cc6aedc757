package load

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/internal/diag"
	"github.com/acb-dev/acb/internal/samples"
	"github.com/acb-dev/acb/template"
)

// sampleValues are the values INDEX.md names for the samples that need them.
var sampleValues = []string{
	"REGISTRY1=reg1.azurecr.io", "REGISTRY2=reg2.azurecr.io", "registryName=myregistry",
	"regDate=regdate.azurecr.io", "REPOSITORY_NAME=repo", "BUILD_CONTEXT=.",
	"REGISTRY_FROM_URL=from.azurecr.io/", "PrivateRepo=me/private", "tag=v2",
	"secret1=c2VjcmV0MQ==", "secret2=c2VjcmV0Mg==",
}

// sampleValuesFiles pairs task files with the values file INDEX.md names.
var sampleValuesFiles = map[string]string{
	"cli/legacy-az-acr-run-cmd-template.yaml":           "cli/legacy-az-acr-run-cmd-values.yaml",
	"acr-tasks-v1.0.0/multipleRegistries/testtask.yaml": "acr-tasks-v1.0.0/multipleRegistries/values.yaml",
}

func sampleOptions(dir, rel string) Options {
	opts := Options{
		File:                   filepath.Join(dir, rel),
		Set:                    sampleValues,
		SetSecrets:             []string{"mysecret=s3cr3t-value"},
		AllowUnresolvedSecrets: true,
		Run:                    template.RunOptions{ID: "cf1", Registry: "myregistry.azurecr.io"},
		Now:                    time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC),
	}
	if vf, ok := sampleValuesFiles[rel]; ok {
		opts.ValuesFiles = []string{filepath.Join(dir, vf)}
		opts.Set = nil
	}
	return opts
}

// TestSamplesConformance loads every task file of the shared corpus: the
// ones INDEX.md marks valid must load, the invalid ones must fail with an
// error that names a line of the file.
func TestSamplesConformance(t *testing.T) {
	dir := samples.Dir()
	if dir == "" {
		t.Skip("../shared/acr-samples is absent (fresh clone): sample conformance not checked")
	}
	entries, err := samples.Index(dir)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		if e.Valid == "n/a" {
			continue
		}
		checked++
		t.Run(e.Path, func(t *testing.T) {
			l, err := FromFile(context.Background(), sampleOptions(dir, e.Path))
			if e.Valid == "yes" {
				if err != nil {
					t.Fatalf("INDEX.md marks it valid, but: %v", err)
				}
				if len(l.Task.Steps) == 0 {
					t.Fatalf("no steps loaded")
				}
				return
			}
			if err == nil {
				t.Fatalf("INDEX.md marks it invalid, but it loaded")
			}
			var list diag.List
			if !errors.As(err, &list) || len(list.Errors()) == 0 || list.Errors()[0].Pos.Line == 0 {
				t.Fatalf("error does not name a line: %v", err)
			}
			if !strings.HasSuffix(list.Errors()[0].Pos.File, e.Path) {
				t.Fatalf("error names file %q, want the sample: %v", list.Errors()[0].Pos.File, err)
			}
		})
	}
	if checked < 60 {
		t.Fatalf("only %d task files found in INDEX.md; the parser of the index is broken", checked)
	}
}

// TestSamplesRenderFacts checks the rendering facts INDEX.md calls out.
func TestSamplesRenderFacts(t *testing.T) {
	dir := samples.Dir()
	if dir == "" {
		t.Skip("../shared/acr-samples is absent (fresh clone): sample render facts not checked")
	}
	load := func(t *testing.T, rel string) *Loaded {
		t.Helper()
		l, err := FromFile(context.Background(), sampleOptions(dir, rel))
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		return l
	}
	cmdOf := func(l *Loaded, i int) string { return l.Task.Steps[i].Cmd }

	t.Run("bash is an image alias under v1.1.0 only", func(t *testing.T) {
		if c := cmdOf(load(t, "acr-tasks/bash-echo.yaml"), 0); !strings.HasPrefix(c, "mcr.microsoft.com/acr/bash:") {
			t.Errorf("v1.1.0 bash: %q", c)
		}
		if c := cmdOf(load(t, "acr-tasks-v1.0.0/bash-echo.yaml"), 0); !strings.HasPrefix(c, "bash ") {
			t.Errorf("v1.0.0 bash: %q", c)
		}
	})
	t.Run("bash:3.0 is not an alias", func(t *testing.T) {
		if c := cmdOf(load(t, "acr-tasks/bash-echo-3.yaml"), 0); !strings.HasPrefix(c, "bash:3.0 ") {
			t.Errorf("got %q", c)
		}
	})
	t.Run("unquoted template list items render before YAML", func(t *testing.T) {
		l := load(t, "acr-tasks-v1.0.0/build-push-hello-world-multi.yaml")
		var pushes []string
		for _, s := range l.Task.Steps {
			pushes = append(pushes, s.Push...)
		}
		if len(pushes) < 2 || !strings.HasPrefix(pushes[0], "myregistry.azurecr.io/") {
			t.Errorf("pushes %q", pushes)
		}
	})
	t.Run("$(date) survives alias expansion", func(t *testing.T) {
		if c := cmdOf(load(t, "acr-tasks/files-working-directory.yaml"), 0); !strings.Contains(c, "$(date)") {
			t.Errorf("got %q", c)
		}
	})
	t.Run("$MY_SECRET survives and the Key Vault secret is a placeholder", func(t *testing.T) {
		l := load(t, "acr-tasks/managed-identities.yaml")
		if c := cmdOf(l, 0); !strings.Contains(c, "$MY_SECRET") {
			t.Errorf("got %q", c)
		}
		if env := strings.Join(l.Task.Steps[0].Env, " "); !strings.Contains(env, SecretPlaceholder) {
			t.Errorf("env %q", env)
		}
	})
	t.Run("an alias value that is itself a template", func(t *testing.T) {
		l := load(t, "azure-acr/samples/dotnetcore/task/WeatherService/acb.yaml")
		if c := cmdOf(l, 0); c != "docker pull mcr.microsoft.com/dotnet/aspnet:6.0-cbl-mariner2.0" {
			t.Errorf("got %q", c)
		}
	})
	t.Run("$Registry and $ID expand under v1.1.0", func(t *testing.T) {
		l := load(t, "acr-tasks/build-push-hello-world.yaml")
		if b := l.Task.Steps[0].Build; !strings.Contains(b, "myregistry.azurecr.io/hello-world:cf1") {
			t.Errorf("build %q", b)
		}
	})
	t.Run("set-secret values are reported for masking", func(t *testing.T) {
		l := load(t, "acr-tasks/mounts-secrets.yaml")
		found := false
		for _, v := range l.SecretValues {
			found = found || v == "s3cr3t-value"
		}
		if !found {
			t.Errorf("secret values %q", l.SecretValues)
		}
	})
}
