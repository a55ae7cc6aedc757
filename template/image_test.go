package template

import (
	"context"
	"testing"
)

func TestExpandImageAlias(t *testing.T) {
	t.Parallel()
	aliases := DefaultAliases("linux")
	aliases["purge"] = "mcr.microsoft.com/acr/acr-cli:0.19 purge"
	tests := []struct{ in, want string }{
		{"bash echo hi", DefaultBashImage + " echo hi"},
		{"bash", DefaultBashImage},
		{"bash:3.0 echo hi", "bash:3.0 echo hi"},
		{"bashful echo", "bashful echo"},
		{"  az login --identity", DefaultAzImage + " login --identity"},
		{"acr purge --ago 1d", DefaultACRImage + " purge --ago 1d"},
		{"purge --untagged", "mcr.microsoft.com/acr/acr-cli:0.19 purge --untagged"},
		{"curl\thttp://nginx", DefaultCurlImage + "\thttp://nginx"},
		{"-t bash", "-t bash"},
		{"docker run bash", "docker run bash"},
		{"acrmixedin x", "acrmixedin x"},
		{"", ""},
		{"   ", "   "},
		{"ID x", "{{.Run.ID}} x"},
	}
	for _, tt := range tests {
		if got := ExpandImageAlias(tt.in, aliases); got != tt.want {
			t.Errorf("ExpandImageAlias(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := ExpandImageAlias("bash echo", nil); got != "bash echo" {
		t.Errorf("nil table changed the cmd: %q", got)
	}
}

func TestImageAliasByVersion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		version, want string
	}{
		{"v1.1.0", DefaultBashImage + " echo"},
		{"v1.0.0", "bash echo"},
	} {
		doc, err := Expand(context.Background(), "t.yaml", []byte("version: "+tt.version+"\nsteps:\n  - cmd: bash echo\n"), testData(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ExpandImageAlias("bash echo", doc.Aliases); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.version, got, tt.want)
		}
	}
}

func TestRenderAliases(t *testing.T) {
	t.Parallel()
	table := DefaultAliases("linux")
	table["mine"] = "{{ .Values.img | default \"x/y\" }}:{{ .Run.ID }}"
	got, err := RenderAliases(context.Background(), table, testData(), RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got["ID"] != "SomeID" || got["Registry"] != "foo.azurecr.io" || got["bash"] != DefaultBashImage || got["mine"] != "x/y:SomeID" {
		t.Errorf("RenderAliases = %v", got)
	}
	if table["ID"] != "{{.Run.ID}}" {
		t.Error("RenderAliases modified its input")
	}
	if got := ExpandImageAlias("ID x", got); got != "SomeID x" {
		t.Errorf("rendered ID alias = %q", got)
	}
	table["broken"] = "{{ .Values.a.b }}"
	if _, err := RenderAliases(context.Background(), table, testData(), RenderOptions{}); err == nil {
		t.Error("broken alias template accepted")
	}
}
