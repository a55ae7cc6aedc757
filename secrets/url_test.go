package secrets_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/acb-dev/acb/secrets"
)

func TestParseSecretURL(t *testing.T) {
	t.Parallel()
	good := []struct {
		in                             string
		vault, name, version, resource string
	}{
		{"https://myvault.vault.azure.net/secrets/db", "https://myvault.vault.azure.net", "db", "", "https://vault.azure.net"},
		{"https://myvault.vault.azure.net/secrets/db/", "https://myvault.vault.azure.net", "db", "", "https://vault.azure.net"},
		{"https://myvault.vault.azure.net/secrets/db-pass/0123456789abcdef0123456789abcdef", "https://myvault.vault.azure.net", "db-pass", "0123456789abcdef0123456789abcdef", "https://vault.azure.net"},
		{"HTTPS://MyVault.Vault.Azure.NET/secrets/Db", "https://myvault.vault.azure.net", "Db", "", "https://vault.azure.net"},
		{"https://kv-cn.vault.azure.cn/secrets/x", "https://kv-cn.vault.azure.cn", "x", "", "https://vault.azure.cn"},
		{"https://kv-gov.vault.usgovcloudapi.net/secrets/x/v1", "https://kv-gov.vault.usgovcloudapi.net", "x", "v1", "https://vault.usgovcloudapi.net"},
		{"https://kv-de.vault.microsoftazure.de/secrets/x", "https://kv-de.vault.microsoftazure.de", "x", "", "https://vault.microsoftazure.de"},
	}
	for _, tc := range good {
		s, err := secrets.ParseSecretURL(tc.in)
		if err != nil {
			t.Errorf("ParseSecretURL(%q): %v", tc.in, err)
			continue
		}
		if s.VaultURL != tc.vault || s.Name != tc.name || s.Version != tc.version || s.Resource != tc.resource {
			t.Errorf("ParseSecretURL(%q) = %+v; want vault %s name %s version %q resource %s", tc.in, *s, tc.vault, tc.name, tc.version, tc.resource)
		}
	}

	bad := []struct{ in, why string }{
		{"", "empty"},
		{"http://myvault.vault.azure.net/secrets/db", "https"},
		{"https://myvault.vault.azure.com/secrets/db", "not a Key Vault host"},
		{"https://vault.azure.net/secrets/db", "not a Key Vault host"},
		{"https://myvault.evil.example/secrets/db", "not a Key Vault host"},
		{"https://127.0.0.1:8443/secrets/db", "not a Key Vault host"},
		{"https://ab.vault.azure.net/secrets/db", "vault names"},
		{"https://myvault.vault.azure.net/keys/db", "the path must be"},
		{"https://myvault.vault.azure.net/secrets", "the path must be"},
		{"https://myvault.vault.azure.net/secrets/db/v1/extra", "the path must be"},
		{"https://myvault.vault.azure.net/secrets/db_pass", "secret names"},
		{"https://myvault.vault.azure.net/secrets/db?api-version=7.4", "query"},
		{"https://myvault.vault.azure.net/secrets/db#x", "fragment"},
		{"https://me:hunter22@myvault.vault.azure.net/secrets/db", "user information"},
		{"myvault.vault.azure.net/secrets/db", "https"},
		{"://", "not a URL"},
	}
	for _, tc := range bad {
		_, err := secrets.ParseSecretURL(tc.in)
		if err == nil {
			t.Errorf("ParseSecretURL(%q) succeeded; want an error about %s", tc.in, tc.why)
			continue
		}
		msg := err.Error()
		if !errors.Is(err, secrets.ErrBadURL) || !strings.Contains(msg, tc.why) ||
			!strings.Contains(msg, "expected https://<vault>.vault.azure.net/secrets/<name>[/<version>]") {
			t.Errorf("ParseSecretURL(%q) = %q; want ErrBadURL about %s with the expected form", tc.in, msg, tc.why)
		}
		if strings.Contains(msg, "hunter22") {
			t.Errorf("ParseSecretURL(%q) error shows the password: %q", tc.in, msg)
		}
	}
}

func TestParseOptionsAllowAnyHost(t *testing.T) {
	t.Parallel()
	s, err := secrets.ParseOptions{AllowAnyHost: true}.Parse("https://127.0.0.1:8443/secrets/db/v2")
	if err != nil {
		t.Fatal(err)
	}
	if s.VaultURL != "https://127.0.0.1:8443" || s.Name != "db" || s.Version != "v2" || s.Resource != "" {
		t.Errorf("Parse = %+v", *s)
	}
	if got := s.String(); got != "https://127.0.0.1:8443/secrets/db/v2" {
		t.Errorf("String() = %q", got)
	}
	// Known clouds keep their resource, and the other rules still hold.
	if s, err := (secrets.ParseOptions{AllowAnyHost: true}).Parse("https://kv1.vault.azure.cn/secrets/x"); err != nil || s.Resource != "https://vault.azure.cn" {
		t.Errorf("Parse(cn) = %+v, %v", s, err)
	}
	if _, err := (secrets.ParseOptions{AllowAnyHost: true}).Parse("http://127.0.0.1:8443/secrets/db"); err == nil {
		t.Error("AllowAnyHost accepted http")
	}
}

func TestParseLoopbackEmulator(t *testing.T) {
	o := secrets.ParseOptions{AllowLoopback: true}
	for _, u := range []string{
		"https://127.0.0.1:8443/secrets/db",
		"https://localhost:8443/secrets/db/v2",
		"https://[::1]:8443/secrets/db",
		"https://127.0.0.2/secrets/db",
	} {
		s, err := o.Parse(u)
		if err != nil {
			t.Errorf("Parse(%q): %v", u, err)
			continue
		}
		if s.Resource != "" || !secrets.IsLoopbackVault(s.VaultURL) {
			t.Errorf("Parse(%q) = %+v; want a loopback vault without resource", u, *s)
		}
	}
	for _, u := range []string{
		"https://10.0.0.1:8443/secrets/db",
		"https://myvault.evil.example/secrets/db",
		"https://localhost.evil.example/secrets/db",
		"http://127.0.0.1:8443/secrets/db",
		"https://ab.vault.azure.net/secrets/db",
	} {
		if _, err := o.Parse(u); err == nil {
			t.Errorf("Parse(%q) succeeded; want an error", u)
		}
	}
	if s, err := o.Parse("https://myvault.vault.azure.net/secrets/db"); err != nil || s.Resource != "https://vault.azure.net" {
		t.Errorf("cloud URL with AllowLoopback: %+v, %v", s, err)
	}
}
