package template

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acb-dev/acb/internal/samples"
)

// samplesDir is the shared sample corpus (see its INDEX.md), found
// relative to the module as every package's tests find it, or "".
func samplesDir() string { return samples.Dir() }

// sampleFiles returns the task files of the corpus, skipping the test when
// the corpus is not present.
func sampleFiles(tb testing.TB) []string {
	tb.Helper()
	dir := samplesDir()
	if dir == "" {
		tb.Skip("sample corpus ../shared/acr-samples (beside the module) not present")
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

func TestSamples(t *testing.T) {
	t.Parallel()
	data := testData()
	data.Values = map[string]any{"REGISTRY1": "r1.azurecr.io", "REGISTRY2": "r2.azurecr.io", "registryName": "reg", "tag": "v2"}
	for _, f := range sampleFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(samplesDir(), f)
		t.Run(rel, func(t *testing.T) {
			doc, err := Expand(context.Background(), f, src, data, Options{})
			if err != nil {
				t.Fatalf("Expand: %v", err)
			}
			r, err := doc.Render(context.Background(), data, RenderOptions{})
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if doc.AliasesEnabled && strings.Contains(r.Text, "$Registry") {
				t.Errorf("$Registry left in a %s file:\n%s", doc.Version, r.Text)
			}
			if strings.Contains(r.Text, "{{") {
				t.Errorf("template left in output:\n%s", r.Text)
			}
			if got, want := strings.Count(r.Text, "\n"), strings.Count(string(src), "\n"); doc.AliasesEnabled && got < want {
				t.Errorf("rendered has %d lines, source %d", got, want)
			}
		})
	}
}

func TestSampleSpecifics(t *testing.T) {
	t.Parallel()
	sampleFiles(t)
	read := func(rel string) []byte {
		b, err := os.ReadFile(filepath.Join(samplesDir(), rel))
		if err != nil {
			t.Skipf("sample %s missing: %v", rel, err)
		}
		return b
	}
	data := testData()
	tests := []struct {
		file     string
		contains []string
	}{
		{"azure-acr/samples/dotnetcore/task/WeatherService/acb.yaml", []string{
			"docker pull mcr.microsoft.com/dotnet/aspnet:6.0-cbl-mariner2.0",
			"-t foo.azurecr.io/weatherservice:SomeID",
		}},
		{"acr-tasks/files-working-directory.yaml", []string{"$(date)"}},
		{"acr-tasks/build-push-hello-world.yaml", []string{"foo.azurecr.io/hello-world:SomeID"}},
		{"acr-tasks-v1.0.0/build-push-hello-world-multi.yaml", []string{"foo.azurecr.io/hello-world:SomeID"}},
	}
	for _, tt := range tests {
		src := read(tt.file)
		_, r := expandRender(t, string(src), data, Options{})
		for _, c := range tt.contains {
			if !strings.Contains(r.Text, c) {
				t.Errorf("%s: rendered text lacks %q:\n%s", tt.file, c, r.Text)
			}
		}
	}
}

func TestSampleValuesFile(t *testing.T) {
	t.Parallel()
	sampleFiles(t)
	f, err := os.Open(filepath.Join(samplesDir(), "acr-tasks-v1.0.0/multipleRegistries/values.yaml"))
	if err != nil {
		t.Skipf("values sample missing: %v", err)
	}
	defer f.Close()
	values, err := LoadValues(f, "values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := values["REGISTRY1"]; !ok {
		t.Errorf("values = %v, want REGISTRY1", values)
	}
}
