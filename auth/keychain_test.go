package auth

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
)

func TestUserKeychain(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".docker")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := `{"auths":{
		"mine.example.io":{"auth":"` + base64.StdEncoding.EncodeToString([]byte("me:pw")) + `"},
		"https://index.docker.io/v1/":{"auth":"` + base64.StdEncoding.EncodeToString([]byte("hub:hpw")) + `"},
		"acr.example.io":{"identitytoken":"refresh"}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("DOCKER_CONFIG", dir)

	for reg, want := range map[string]Basic{
		"mine.example.io": {"me", "pw"},
		"docker.io":       {"hub", "hpw"},
		"acr.example.io":  {ACRUsername, "refresh"},
	} {
		b, ok, err := UserKeychain(reg)
		if err != nil || !ok || b != want {
			t.Errorf("UserKeychain(%s) = %+v, %v, %v; want %+v", reg, b, ok, err, want)
		}
	}
	if _, ok, err := UserKeychain("unknown.example.io"); ok || err != nil {
		t.Errorf("UserKeychain(unknown) = %v, %v; want not found", ok, err)
	}
}
