package auth

import (
	"context"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestEndToEndPushWithManagedIdentity logs in to a fake ACR with the
// system identity of a fake App Service, then pushes and pulls an image with
// go-containerregistry, which does the bearer token dance against the fake
// token service with the resulting login.
func TestEndToEndPushWithManagedIdentity(t *testing.T) {
	f := newFakeAzure(t)
	ctx := context.Background()
	logins, err := Resolve(ctx, []*Credential{mustParse(t, "server="+f.host+",identity=[system]")}, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	b, ok, err := logins.Auth(ctx, f.host)
	if err != nil || !ok {
		t.Fatalf("Auth = %v, %v", ok, err)
	}

	ref, err := name.ParseReference(f.host+"/samples/hello:v1", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	img, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Without credentials the fake refuses.
	if err := remote.Write(ref, img, remote.WithContext(ctx)); err == nil {
		t.Fatal("anonymous push succeeded")
	}
	basic := remote.WithAuth(authn.FromConfig(authn.AuthConfig{Username: b.Username, Password: b.Password}))
	if err := remote.Write(ref, img, basic, remote.WithContext(ctx)); err != nil {
		t.Fatalf("push: %v", err)
	}

	// Pull back through the keychain the logins offer.
	got, err := remote.Image(ref, remote.WithAuthFromKeychain(logins.Keychain()), remote.WithContext(ctx))
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	want, _ := img.Digest()
	if d, err := got.Digest(); err != nil || d != want {
		t.Errorf("pulled digest = %v, %v; want %v", d, err, want)
	}
	if f.acr.TokenCalls() == 0 {
		t.Error("the fake token service issued no access tokens")
	}
}
