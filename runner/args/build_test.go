package args

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func ptr(s string) *string { return &s }

func TestParseBuild(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want *Build
	}{
		{"minimal", ".", &Build{Context: "."}},
		{"usual order", "-t hello:1 -f Dockerfile .", &Build{Tags: []string{"hello:1"}, Dockerfile: "Dockerfile", Context: "."}},
		{"context in the middle", "-t x . -f y", &Build{Tags: []string{"x"}, Dockerfile: "y", Context: "."}},
		{"context first", "sub/dir -t a --tag b", &Build{Tags: []string{"a", "b"}, Context: "sub/dir"}},
		{"context after boolean flag (acr-builder bug)", "-t a --pull https://github.com/x/y.git",
			&Build{Tags: []string{"a"}, Pull: true, Context: "https://github.com/x/y.git"}},
		{"context after no-cache", "--no-cache . -t a", &Build{Tags: []string{"a"}, NoCache: true, Context: "."}},
		{"build args any order", `--build-arg A=1 . --build-arg "B=x y" --build-arg C --build-arg D= --build-arg A=2`,
			&Build{Context: ".", BuildArgs: map[string]*string{"A": ptr("2"), "B": ptr("x y"), "C": nil, "D": ptr("")}}},
		{"build arg value with equals", "--build-arg U=a=b .", &Build{Context: ".", BuildArgs: map[string]*string{"U": ptr("a=b")}}},
		{"labels", "--label a=b --label c --label=d=e=f .", &Build{Context: ".", Labels: map[string]string{"a": "b", "c": "", "d": "e=f"}}},
		{"everything", "-t r.io/a:1 -t r.io/a:latest -f docker/Dockerfile --target prod --platform linux/arm64 " +
			"--network host --isolation hyperv --add-host h:1.2.3.4 --cache-from r.io/a:cache --cache-from r.io/b " +
			"-q --rm --force-rm --secret id=s1 --secret id=s2,src=f --ssh default ctx",
			&Build{Tags: []string{"r.io/a:1", "r.io/a:latest"}, Dockerfile: "docker/Dockerfile", Target: "prod",
				Platform: "linux/arm64", Network: "host", Isolation: "hyperv", AddHosts: []string{"h:1.2.3.4"},
				CacheFrom: []string{"r.io/a:cache", "r.io/b"}, Quiet: true, Context: "ctx",
				Secrets: []string{"id=s1", "id=s2,src=f"}, SSH: []string{"default"}}},
		{"equals form", "--file=x/Dockerfile --tag=t --target=s .", &Build{Tags: []string{"t"}, Dockerfile: "x/Dockerfile", Target: "s", Context: "."}},
		{"folded block (YAML >)", "-t hello:1 -f Dockerfile .\n", &Build{Tags: []string{"hello:1"}, Dockerfile: "Dockerfile", Context: "."}},
		{"git context with fragment", "-t a https://github.com/o/r.git#main:docker", &Build{Tags: []string{"a"}, Context: "https://github.com/o/r.git#main:docker"}},
		{"quoted context with space", `-t a "my dir"`, &Build{Tags: []string{"a"}, Context: "my dir"}},
		{"shell var kept", "-t $Registry/hello:1 .", &Build{Tags: []string{"$Registry/hello:1"}, Context: ".", ShellVars: []string{"Registry"}}},
		{"line continuation", "-t hello:1 \\\n  -f Dockerfile \\\n  .\n", &Build{Tags: []string{"hello:1"}, Dockerfile: "Dockerfile", Context: "."}},
		{"rm false accepted", "--rm=false .", &Build{Context: "."}},
		{"double dash context", "-t a -- -weird", &Build{Tags: []string{"a"}, Context: "-weird"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseBuild(tt.in)
			if err != nil {
				t.Fatalf("ParseBuild(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseBuild(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseBuildErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
	}{
		{"", "missing build context"},
		{"-t a -f Dockerfile", "missing build context"},
		{"-t a . ctx2", `build needs exactly one context, got 2: ["." "ctx2"]`},
		{`-t a ""`, "empty build context"},
		{"-t a -", "stdin"},
		{"--iidfile id.txt .", `unsupported docker build option "--iidfile" in build (supported: `},
		{"--squash .", `unsupported docker build option "--squash"`},
		{"-x .", `unsupported docker build option "-x"`},
		{"--help .", `unsupported docker build option "-h/--help"`},
		{"-t", "invalid docker build options in build"},
		{"--build-arg =1 .", "missing name"},
		{"--label =1 .", "missing key"},
		{"--no-cache=maybe .", "invalid docker build options"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseBuild(tt.in)
			if err == nil {
				t.Fatalf("ParseBuild(%q) = %+v; want error containing %q", tt.in, got, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseBuild(%q) error = %q; want it to contain %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestParseBuildHostShell(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"-t a . && echo done",
		"-t a:$(date +%s) .",
		"-t a . > log",
		"-t a . | tee",
		"-t hello:1\n-f Dockerfile .", // a literal block (YAML |) is two shell commands
	} {
		_, err := ParseBuild(in)
		var he *HostShellError
		if !errors.As(err, &he) {
			t.Errorf("ParseBuild(%q) error = %v; want *HostShellError", in, err)
		}
	}
	// Inside single quotes nothing is special.
	b, err := ParseBuild("--build-arg 'CMD=a | b && $(c)' .")
	if err != nil {
		t.Fatalf("ParseBuild quoted: %v", err)
	}
	if v := b.BuildArgs["CMD"]; v == nil || *v != "a | b && $(c)" {
		t.Errorf("BuildArgs[CMD] = %v", v)
	}
}
