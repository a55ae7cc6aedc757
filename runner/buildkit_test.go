package runner

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/output"
)

// noBuildKit is a fake engine whose BuildKit probe fails, as on an engine
// without BuildKit (Podman, an API before 1.39).
type noBuildKit struct{ *fakeEngine }

func (noBuildKit) BuildKitInfo(context.Context) (engine.BuildKitInfo, error) {
	return engine.BuildKitInfo{Engine: "Podman Engine 4.3.1 (API 1.41)"}, errors.New("Podman Engine 4.3.1 (API 1.41): " + engine.ErrNoBuildKit.Error())
}

func (noBuildKit) BuildKit(context.Context, engine.BuildKitSpec, io.Writer) (engine.BuildKitResult, error) {
	return engine.BuildKitResult{}, errors.New("BuildKit called on an engine without it")
}

func runNoBuildKit(t *testing.T, task string, opts Options) (error, string) {
	t.Helper()
	src, _ := prepare(t, map[string]string{"Dockerfile": "FROM scratch\nCOPY . /\n"})
	f := noBuildKit{newFake()}
	var log, out syncBuf
	opts.Output, opts.RunID, opts.Source = output.New(output.Options{Log: &log, Out: &out}), "testrun", src
	_, err := runParsed(context.Background(), t, parseTask(t, task), f, opts)
	return err, log.String()
}

func TestBuildKitMissing(t *testing.T) {
	t.Parallel()
	err, _ := runNoBuildKit(t, "\nsteps:\n  - build: -t a .\n    env: [\"DOCKER_BUILDKIT=1\"]\n", Options{})
	if err == nil || !strings.Contains(err.Error(), "step acb_step_0: DOCKER_BUILDKIT=1 asks for BuildKit: Podman Engine 4.3.1 (API 1.41): the engine has no BuildKit") {
		t.Errorf("DOCKER_BUILDKIT=1 on an engine without BuildKit: %v", err)
	}
	err, _ = runNoBuildKit(t, "\nsteps:\n  - build: -t a .\n    cache: Enabled\n", Options{})
	if err == nil || !strings.Contains(err.Error(), "cache: enabled asks for BuildKit: Podman Engine") {
		t.Errorf("cache: enabled on an engine without BuildKit: %v", err)
	}
	// --buildkit falls back to the classic builder with one warning.
	err, log := runNoBuildKit(t, "\nsteps:\n  - build: -t a .\n  - build: -t b .\n", Options{BuildKit: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log, "WARNING: --buildkit: Podman Engine 4.3.1 (API 1.41): the engine has no BuildKit; build steps use the classic builder"); n != 1 {
		t.Errorf("%d fallback warnings, want 1:\n%s", n, log)
	}
}

func TestParseSecretFlag(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, id, src, env, err string }{
		{in: "id=a", id: "a"},
		{in: "id=a,src=f.txt", id: "a", src: "f.txt"},
		{in: "id=a,source=f.txt,type=file", id: "a", src: "f.txt"},
		{in: "id=a,env=TOKEN", id: "a", env: "TOKEN"},
		{in: "id=a,type=env,src=TOKEN", id: "a", env: "TOKEN"},
		{in: "src=dir/f.txt", id: "f.txt", src: "dir/f.txt"},
		{in: "env=TOKEN", id: "TOKEN", env: "TOKEN"},
		{in: "id=a,src=f,env=V", err: "not both"},
		{in: "id=a,foo=b", err: "unknown key"},
		{in: "a", err: "want key=value"},
		{in: "type=file", err: "missing id"},
	} {
		id, src, env, err := parseSecretFlag(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || id != c.id || src != c.src || env != c.env {
			t.Errorf("%q: %q %q %q %v, want %q %q %q", c.in, id, src, env, err, c.id, c.src, c.env)
		}
	}
}

func TestScanDockerfileFeatures(t *testing.T) {
	t.Parallel()
	f := scanDockerfileFeatures([]byte("# syntax=docker/dockerfile:1.4\nFROM a\nRUN --mount=type=cache,target=/c true\nCOPY --chmod=644 x /x\nRUN <<EOF\necho\nEOF\nRUN plain\n"))
	if f.Syntax == nil || f.Syntax.Line != 1 || f.Syntax.Text != "# syntax=docker/dockerfile:1.4" {
		t.Errorf("syntax %+v", f.Syntax)
	}
	var got []string
	for _, l := range f.NeedsBuildKit {
		got = append(got, l.String())
	}
	want := []string{
		"line 1 (# syntax=docker/dockerfile:1.4)",
		"line 3 (RUN --mount=type=cache,target=/c true)",
		"line 4 (COPY --chmod=644 x /x)",
		"line 5 (a heredoc: RUN <<EOF)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(f.Heredocs) != 1 || f.Heredocs[0].Line != 5 {
		t.Errorf("heredocs %+v", f.Heredocs)
	}
	if f := scanDockerfileFeatures([]byte("FROM a\nRUN true\n")); len(f.NeedsBuildKit) != 0 || f.Syntax != nil {
		t.Errorf("plain Dockerfile: %+v", f)
	}
}
