package auth

import (
	"strings"
	"testing"
)

const (
	kvUser   = "https://v.vault.azure.net/secrets/username"
	kvPass   = "https://v.vault.azure.net/secrets/password"
	clientID = "7b6f2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
)

func TestParseCredentialValid(t *testing.T) {
	t.Setenv("ACB_TEST_PW", "from,env")
	tests := []struct {
		in   string
		want Credential
	}{
		// The reference engine's JSON forms.
		{`{"registry":"foo.azurecr.io","userNameProviderType":"opaque","username":"u","passwordProviderType":"opaque","password":"p"}`,
			Credential{Registry: "foo.azurecr.io", Kind: KindBasic, Username: "u", Password: "p"}},
		{`{"registry":"foo.azurecr.io","userNameProviderType":"opaque","username":"u","passwordProviderType":"opaque","password":"p","identity":"ignored"}`,
			Credential{Registry: "foo.azurecr.io", Kind: KindBasic, Username: "u", Password: "p"}},
		{`{"REGISTRY":"Foo.azurecr.io","usernameProviderType":"OPAQUE","Username":"u","PasswordProviderType":"Opaque","PASSWORD":"p"}`,
			Credential{Registry: "foo.azurecr.io", Kind: KindBasic, Username: "u", Password: "p"}},
		{`{"registry":"r1.azurecr.io","userNameProviderType":"vaultsecret","username":"` + kvUser + `","passwordProviderType":"vaultsecret","password":"` + kvPass + `","identity":"` + clientID + `"}`,
			Credential{Registry: "r1.azurecr.io", Kind: KindKeyVault, Username: kvUser, UsernameInVault: true, Password: kvPass, PasswordInVault: true, Identity: clientID}},
		{`{"registry":"r1.azurecr.io","userNameProviderType":"opaque","username":"u","passwordProviderType":"VaultSecret","password":"` + kvPass + `","identity":"[system]"}`,
			Credential{Registry: "r1.azurecr.io", Kind: KindKeyVault, Username: "u", Password: kvPass, PasswordInVault: true, Identity: SystemIdentity}},
		{`{"registry":"r2.azurecr.io","identity":"` + strings.ToUpper(clientID) + `","aadResourceId":"https://management.azure.com/"}`,
			Credential{Registry: "r2.azurecr.io", Kind: KindIdentity, Identity: clientID, Resource: "https://management.azure.com/"}},

		// The readable form.
		{"server=r.azurecr.io,identity=[system]",
			Credential{Registry: "r.azurecr.io", Kind: KindIdentity, Identity: SystemIdentity, Resource: DefaultResource}},
		{"server=https://R.azurecr.io/,identity=" + clientID,
			Credential{Registry: "r.azurecr.io", Kind: KindIdentity, Identity: clientID, Resource: DefaultResource}},
		{"server=r.azurecr.io,identity=" + clientID + ",resource=https://management.azure.com/",
			Credential{Registry: "r.azurecr.io", Kind: KindIdentity, Identity: clientID, Resource: "https://management.azure.com/"}},
		{"server=docker.io,username=u,password=p,w,with=commas",
			Credential{Registry: "index.docker.io", Kind: KindBasic, Username: "u", Password: "p,w,with=commas"}},
		{"server=localhost:5000,username=u,password-env=ACB_TEST_PW",
			Credential{Registry: "localhost:5000", Kind: KindBasic, Username: "u", Password: "from,env"}},
		{"server=r.io,username=u,password-stdin",
			Credential{Registry: "r.io", Kind: KindBasic, Username: "u", PasswordFromStdin: true}},
		{"server=r.azurecr.io,username=" + kvUser + ",password=" + kvPass + ",identity=[system]",
			Credential{Registry: "r.azurecr.io", Kind: KindKeyVault, Username: kvUser, UsernameInVault: true, Password: kvPass, PasswordInVault: true, Identity: SystemIdentity}},
		{"server=r.azurecr.cn,username=u,password=https://v.vault.azure.cn/secrets/p,identity=" + clientID,
			Credential{Registry: "r.azurecr.cn", Kind: KindKeyVault, Username: "u", Password: "https://v.vault.azure.cn/secrets/p", PasswordInVault: true, Identity: clientID}},
	}
	for _, tt := range tests {
		got, err := ParseCredential(tt.in)
		if err != nil {
			t.Errorf("ParseCredential(%q): %v", tt.in, err)
			continue
		}
		if *got != tt.want {
			t.Errorf("ParseCredential(%q) = %+v; want %+v", tt.in, *got, tt.want)
		}
	}
}

func TestParseCredentialInvalid(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"registry":"r.io",`, "not valid JSON"},
		{`{"username":"u","userNameProviderType":"opaque","password":"p","passwordProviderType":"opaque"}`, "registry name is empty"},
		{`{"registry":"r.io","userNameProviderType":"opaque","password":"p","passwordProviderType":"opaque"}`, "username is required"},
		{`{"registry":"r.io","userNameProviderType":"opaque","username":"u","passwordProviderType":"opaque"}`, "password is required"},
		{`{"registry":"r.io","userNameProviderType":"vaultsecret","username":"` + kvUser + `","passwordProviderType":"vaultsecret","password":"` + kvPass + `"}`, "needs an identity"},
		{`{"registry":"r.io","userNameProviderType":"vaultsecret","username":"u","passwordProviderType":"vaultsecret","password":"` + kvPass + `","identity":"[system]"}`, "Key Vault secret must be a URL"},
		{`{"registry":"r.io","userNameProviderType":"opaque","username":"u","password":"p"}`, "cannot tell basic, Key Vault or identity apart"},
		{`{"registry":"r.io","userNameProviderType":"plain","username":"u","passwordProviderType":"opaque","password":"p"}`, "cannot tell"},
		{`{"registry":"r.io","identity":"` + clientID + `"}`, "aadResourceId is required"},
		{`{"registry":"r.io","aadResourceId":"https://management.azure.com/"}`, "identity is required"},
		{`{"registry":"r.io","identity":"not-a-guid","aadResourceId":"x"}`, "neither [system] nor a client id"},
		{"identity=[system]", "server=<login server> is required"},
		{"server=,identity=[system]", "registry name is empty"},
		{"server=r.io/path,identity=[system]", "not a login server"},
		{"server=r.io", "identity is required"},
		{"server=r.io,identity=12345", "neither [system] nor a client id"},
		{"server=r.io,username=u", "password is required"},
		{"server=r.io,password=p", "username is required"},
		{"server=r.io,username=u,password=p,identity=[system]", "an identity goes with Key Vault"},
		{"server=r.io,username=" + kvUser + ",password=" + kvPass, "needs an identity"},
		{"server=r.io,username=u,password=p,password-env=X", "only one of password"},
		{"server=r.io,username=u,password-env=ACB_TEST_SURELY_UNSET", "ACB_TEST_SURELY_UNSET (password-env) is not set"},
		{"server=r.io,username=u,password-stdin=x", "password-stdin takes no value"},
		{"server=r.io,server=s.io,identity=[system]", "server given twice"},
		{"sever=r.io,identity=[system]", `unknown key "sever"`},
		{"server=r.io,username=u,password=p,resource=x", "resource goes only with an identity"},
	}
	for _, tt := range tests {
		_, err := ParseCredential(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseCredential(%q) error = %v; want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestParseErrorsHideSecrets(t *testing.T) {
	for _, in := range []string{
		`{"registry":"r.io","userNameProviderType":"opaque","username":"u","passwordProviderType":"x","password":"hunter2"}`,
		"server=r.io,username=u,password=hunter2,identity=[system]",
		"server=r.io,password=hunter2",
		"hunter2",
		"hunter2,server=r.io",
	} {
		_, err := ParseCredential(in)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseCredential(%q) error = %v; want an error without the password", in, err)
		}
	}
}

func TestStdinPassword(t *testing.T) {
	a := mustParse(t, "server=a.io,username=u,password-stdin")
	b := mustParse(t, "server=b.io,username=u,password=p")
	if err := ApplyStdinPassword([]*Credential{a, b}, strings.NewReader("s3cret\r\nignored\n")); err != nil {
		t.Fatal(err)
	}
	if a.Password != "s3cret" || b.Password != "p" {
		t.Errorf("passwords = %q, %q; want s3cret, p", a.Password, b.Password)
	}

	c := mustParse(t, "server=c.io,username=u,password-stdin")
	d := mustParse(t, "server=d.io,username=u,password-stdin")
	if err := ApplyStdinPassword([]*Credential{c, d}, strings.NewReader("x")); err == nil || !strings.Contains(err.Error(), "both use password-stdin") {
		t.Errorf("two stdin passwords: error = %v", err)
	}
	if _, err := ReadPasswordStdin(strings.NewReader("\n")); err == nil {
		t.Error("ReadPasswordStdin of an empty line: no error")
	}
	if pw, err := ReadPasswordStdin(strings.NewReader("no-newline")); pw != "no-newline" || err != nil {
		t.Errorf("ReadPasswordStdin = %q, %v; want no-newline", pw, err)
	}
	if err := ApplyStdinPassword([]*Credential{b}, nil); err != nil {
		t.Errorf("no stdin credential: %v", err)
	}
}

func TestIsKeyVaultURL(t *testing.T) {
	for in, want := range map[string]bool{
		kvUser: true,
		"https://v.vault.usgovcloudapi.net/secrets/x":   true,
		"https://v.vault.microsoftazure.de/secrets/x":   true,
		"https://V.VAULT.AZURE.NET:443/secrets/x":       true,
		"https://vault.azure.net.example.com/secrets/x": false,
		"plain-password.vault.azure.net":                false,
		"p@ss":                                          false,
	} {
		if got := IsKeyVaultURL(in); got != want {
			t.Errorf("IsKeyVaultURL(%q) = %v; want %v", in, got, want)
		}
	}
}

func TestNewIdentityCredential(t *testing.T) {
	c, err := NewIdentityCredential("R.azurecr.io", "system")
	if err != nil {
		t.Fatal(err)
	}
	want := Credential{Registry: "r.azurecr.io", Kind: KindIdentity, Identity: SystemIdentity, Resource: DefaultResource}
	if *c != want {
		t.Errorf("NewIdentityCredential = %+v; want %+v", *c, want)
	}
	if _, err := NewIdentityCredential("r.azurecr.io", "bob"); err == nil {
		t.Error("NewIdentityCredential with a bad identity: no error")
	}
}
