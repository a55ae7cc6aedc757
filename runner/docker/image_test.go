package docker_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/acb-dev/acb/internal/testenv"
	"github.com/acb-dev/acb/runner/engine"
)

// streamedContext writes a build context tar into a pipe from a goroutine,
// so Build can only succeed by streaming it.
func streamedContext(t *testing.T, files map[string]string) io.Reader {
	t.Helper()
	data := writeTar(t, files)
	pr, pw := io.Pipe()
	go func() {
		// Small writes: the engine must receive the context incrementally.
		for len(data) > 0 {
			n := min(len(data), 512)
			if _, err := pw.Write(data[:n]); err != nil {
				return
			}
			data = data[n:]
		}
		pw.Close()
	}()
	return pr
}

// buildImage builds a small image tagged tag from busybox and removes it at
// cleanup. Its second step is unique to tag so that parallel tests share no
// build cache layer (removing one test's image prunes its cached parents).
func buildImage(t *testing.T, f *fixture, tag, msg string) string {
	t.Helper()
	msgArg := msg
	var out bytes.Buffer
	id, err := f.e.Build(f.ctx, engine.BuildSpec{
		Context: streamedContext(t, map[string]string{
			"build/Dockerfile": "FROM " + f.img + "\nENV ACBTEST_BUILD=" + tag + "\nARG MSG\nCOPY hello.txt /hello.txt\nRUN echo \"$MSG\" > /msg\nCMD [\"cat\", \"/hello.txt\", \"/msg\"]\n",
			"hello.txt":        trickyScript,
		}),
		Dockerfile: "build/Dockerfile",
		Tags:       []string{tag},
		BuildArgs:  map[string]*string{"MSG": &msgArg},
		Labels:     f.labels(),
	}, &out)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out.String())
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = f.e.RemoveImage(ctx, tag)
	})
	if !strings.HasPrefix(id, "sha256:") {
		t.Fatalf("image id %q", id)
	}
	text := out.String()
	for _, want := range []string{"Step 1/7 : FROM " + f.img, "Step 5/7 : RUN echo \"$MSG\" > /msg", "Successfully tagged " + tag} {
		if !strings.Contains(text, want) {
			t.Errorf("build output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\x1b[") || strings.Contains(text, `{"stream"`) {
		t.Errorf("build output is not plain text:\n%s", text)
	}
	return id
}

func TestBuildStreamedContext(t *testing.T) {
	f := setup(t)
	tag := "acbtest/build-" + strings.ToLower(f.name("i")) + ":1"
	id := buildImage(t, f, tag, "msg with $dollar and `ticks`")

	info, err := f.e.InspectImage(f.ctx, tag)
	if err != nil || info.ID != id {
		t.Fatalf("InspectImage: %+v %v (built %s)", info, err, id)
	}
	s := f.spec()
	s.Image = tag
	s.Cmd = nil // the image's CMD
	f.removeLater(s.Name)
	var out bytes.Buffer
	if code, err := f.e.RunContainer(f.ctx, s, engine.Streams{Stdout: &out, Stderr: &out}); err != nil || code != 0 {
		t.Fatalf("run: %d %v\n%s", code, err, out.String())
	}
	if want := trickyScript + "msg with $dollar and `ticks`\n"; out.String() != want {
		t.Errorf("image content %q, want %q", out.String(), want)
	}
}

func TestBuildFailure(t *testing.T) {
	f := setup(t)
	var out bytes.Buffer
	_, err := f.e.Build(f.ctx, engine.BuildSpec{
		Context: streamedContext(t, map[string]string{
			"Dockerfile": "FROM " + f.img + "\nRUN echo failing; exit 3\n",
		}),
		Labels: f.labels(),
	}, &out)
	if err == nil || !strings.Contains(err.Error(), "returned a non-zero code: 3") {
		t.Fatalf("err %v, want the engine's message", err)
	}
	if !strings.Contains(out.String(), "failing") {
		t.Errorf("output lacks the RUN output:\n%s", out.String())
	}
	_, err = f.e.Build(f.ctx, engine.BuildSpec{
		Context: streamedContext(t, map[string]string{"Dockerfile": "FROM acbtest/does-not-exist:1\n"}),
	}, io.Discard)
	if err == nil {
		t.Fatal("build from a missing base succeeded")
	}
}

func TestPushPullInProcessRegistry(t *testing.T) {
	f := setup(t)
	host := testenv.Registry(t)
	ref := host + "/acb/push-test:1"
	id := buildImage(t, f, ref, "pushed")

	var out bytes.Buffer
	digest, err := f.e.Push(f.ctx, ref, nil, &out)
	if err != nil {
		t.Fatalf("push: %v\n%s", err, out.String())
	}
	if !strings.HasPrefix(digest, "sha256:") || len(digest) != 71 {
		t.Fatalf("digest %q", digest)
	}
	if strings.Contains(out.String(), "\x1b[") || !strings.Contains(out.String(), "digest: "+digest) {
		t.Errorf("push output:\n%s", out.String())
	}

	// Independent check through the registry API.
	desc, err := remote.Head(mustRef(t, ref), remote.WithContext(f.ctx))
	if err != nil {
		t.Fatal(err)
	}
	if desc.Digest.String() != digest {
		t.Errorf("registry has %s, Push returned %s", desc.Digest, digest)
	}

	// Pull it back after removing the local copy.
	if err := f.e.RemoveImage(f.ctx, ref); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.InspectImage(f.ctx, ref); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("image still present after removal: %v", err)
	}
	out.Reset()
	if err := f.e.Pull(f.ctx, ref, nil, &out); err != nil {
		t.Fatalf("pull: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Digest: "+digest) {
		t.Errorf("pull output:\n%s", out.String())
	}
	info, err := f.e.InspectImage(f.ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != id {
		t.Errorf("pulled id %s, built %s", info.ID, id)
	}
	found := false
	for _, d := range info.RepoDigests {
		found = found || d == host+"/acb/push-test@"+digest
	}
	if !found {
		t.Errorf("RepoDigests %q lack %s", info.RepoDigests, digest)
	}

	// A missing tag is an error from the stream or the API.
	if err := f.e.Pull(f.ctx, host+"/acb/push-test:missing", nil, io.Discard); err == nil {
		t.Error("pull of a missing tag succeeded")
	}
}

func TestPushAuthDistributionRegistry(t *testing.T) {
	f := setup(t)
	host := testenv.DistributionRegistry(t, testenv.DistributionOptions{Username: "acb", Password: "s3cret$`"})
	ref := host + "/acb/auth-test:1"
	buildImage(t, f, ref, "auth")

	if _, err := f.e.Push(f.ctx, ref, nil, io.Discard); err == nil {
		t.Fatal("anonymous push succeeded")
	}
	_, err := f.e.Push(f.ctx, ref, &engine.RegistryAuth{Username: "acb", Password: "wrong", ServerAddress: host}, io.Discard)
	if err == nil {
		t.Fatal("push with a wrong password succeeded")
	}
	auth := &engine.RegistryAuth{Username: "acb", Password: "s3cret$`", ServerAddress: host}
	digest, err := f.e.Push(f.ctx, ref, auth, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Head(mustRef(t, ref),
		remote.WithContext(f.ctx), remote.WithAuth(&authn.Basic{Username: "acb", Password: "s3cret$`"}))
	if err != nil {
		t.Fatal(err)
	}
	if desc.Digest.String() != digest {
		t.Errorf("registry has %s, Push returned %s", desc.Digest, digest)
	}
	if err := f.e.RemoveImage(f.ctx, ref); err != nil {
		t.Fatal(err)
	}
	if err := f.e.Pull(f.ctx, ref, nil, io.Discard); err == nil {
		t.Error("anonymous pull succeeded")
	}
	if err := f.e.Pull(f.ctx, ref, auth, io.Discard); err != nil {
		t.Fatal(err)
	}
}

func TestInspectImageNotFound(t *testing.T) {
	f := setup(t)
	_, err := f.e.InspectImage(f.ctx, "acbtest/does-not-exist:1")
	if !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
	if err := f.e.RemoveImage(f.ctx, "acbtest/does-not-exist:1"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("RemoveImage: %v, want ErrNotFound", err)
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
