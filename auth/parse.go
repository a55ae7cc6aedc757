package auth

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// jsonCredential is the reference engine's --credential JSON. encoding/json
// matches keys case-insensitively, so "usernameProviderType" also works.
type jsonCredential struct {
	Registry             string `json:"registry"`
	Username             string `json:"username"`
	UsernameProviderType string `json:"userNameProviderType"`
	Password             string `json:"password"`
	PasswordProviderType string `json:"passwordProviderType"`
	Identity             string `json:"identity"`
	AADResourceID        string `json:"aadResourceId"`
}

const (
	providerOpaque = "opaque"
	providerVault  = "vaultsecret"
)

// ParseCredential parses one --credential value. Two forms are accepted.
//
// The reference engine's JSON (a value starting with "{"):
//
//	{"registry":"r.azurecr.io","userNameProviderType":"opaque","username":"u","passwordProviderType":"opaque","password":"p"}
//	{"registry":"r.azurecr.io","userNameProviderType":"vaultsecret","username":"<secret URL>","passwordProviderType":"vaultsecret","password":"<secret URL>","identity":"<client id>"}
//	{"registry":"r.azurecr.io","identity":"<client id>","aadResourceId":"https://management.azure.com/"}
//
// Both provider types "opaque" give [KindBasic]; a "vaultsecret" type (the
// other being "opaque" or "vaultsecret") gives [KindKeyVault]; both empty
// give [KindIdentity], which needs identity and aadResourceId. Provider
// types are compared case-insensitively.
//
// The readable form, comma-separated key=value pairs mirroring
// `az acr task credential add`:
//
//	server=R,identity=[system]
//	server=R,identity=<client id>[,resource=<Entra ID resource>]
//	server=R,username=U,password=P
//	server=R,username=U,password-env=VAR
//	server=R,username=U,password-stdin
//	server=R,username=<secret URL>,password=<secret URL>,identity=[system]|<client id>
//
// password-env reads the password from environment variable VAR when
// parsing; password-stdin marks it to be read from standard input with
// [ApplyStdinPassword]. Either keeps the password out of the process list.
// A username or password on a Key Vault domain (see [IsKeyVaultURL]) is
// a secret URL. A comma inside a value is kept when the text after it does
// not start a known key, so passwords may contain commas.
func ParseCredential(s string) (*Credential, error) {
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		return parseJSON(s)
	}
	return parseReadable(s)
}

func parseJSON(s string) (*Credential, error) {
	var j jsonCredential
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		// The JSON error quotes no input beyond a character or a type name.
		return nil, fmt.Errorf("credential is not valid JSON: %w", err)
	}
	reg, err := normalizeRegistry(j.Registry)
	if err != nil {
		return nil, fmt.Errorf("credential: %w", err)
	}
	c := &Credential{Registry: reg, Username: j.Username, Password: j.Password}
	ut, pt := strings.ToLower(j.UsernameProviderType), strings.ToLower(j.PasswordProviderType)
	switch {
	case ut == providerOpaque && pt == providerOpaque:
		c.Kind = KindBasic // like the reference engine, ignore an identity here
	case (ut == providerVault || ut == providerOpaque) && (pt == providerVault || pt == providerOpaque):
		c.Kind = KindKeyVault
		c.UsernameInVault, c.PasswordInVault = ut == providerVault, pt == providerVault
		c.Identity = j.Identity
	case ut == "" && pt == "":
		c.Kind = KindIdentity
		if j.AADResourceID == "" && j.Identity != "" {
			return nil, fmt.Errorf("credential for %s: aadResourceId is required with identity", reg)
		}
		c.Identity, c.Resource = j.Identity, j.AADResourceID
	default:
		return nil, fmt.Errorf("credential for %s: cannot tell basic, Key Vault or identity apart from userNameProviderType %q and passwordProviderType %q (use opaque or vaultsecret for both, or neither)",
			reg, j.UsernameProviderType, j.PasswordProviderType)
	}
	return finish(c)
}

// readableKeys are the keys of the readable form; a key without "=" takes no value.
var readableKeys = []string{"server=", "registry=", "username=", "password=", "password-env=", "password-stdin", "identity=", "resource="}

func parseReadable(s string) (*Credential, error) {
	fields, err := splitReadable(s)
	if err != nil {
		return nil, err
	}
	var c Credential
	var server, env string
	var haveServer, stdin bool
	for _, f := range fields {
		key, value, _ := strings.Cut(f, "=")
		switch key {
		case "server", "registry":
			server, haveServer = value, true
		case "username":
			c.Username = value
		case "password":
			c.Password = value
		case "password-env":
			env = value
		case "password-stdin":
			stdin = true
		case "identity":
			c.Identity = value
		case "resource":
			c.Resource = value
		}
	}
	if !haveServer {
		return nil, fmt.Errorf("credential: server=<login server> is required")
	}
	reg, err := normalizeRegistry(server)
	if err != nil {
		return nil, fmt.Errorf("credential: %w", err)
	}
	c.Registry = reg
	if n := count(c.Password != "", env != "", stdin); n > 1 {
		return nil, fmt.Errorf("credential for %s: give only one of password, password-env and password-stdin", reg)
	}
	if env != "" {
		v, ok := os.LookupEnv(env)
		if !ok || v == "" {
			return nil, fmt.Errorf("credential for %s: environment variable %s (password-env) is not set", reg, env)
		}
		c.Password = v
	}
	c.PasswordFromStdin = stdin
	c.UsernameInVault = IsKeyVaultURL(c.Username)
	c.PasswordInVault = !stdin && env == "" && IsKeyVaultURL(c.Password)
	switch {
	case c.Username == "" && c.Password == "" && !stdin:
		c.Kind = KindIdentity
		if c.Resource == "" {
			c.Resource = DefaultResource
		}
	case c.UsernameInVault || c.PasswordInVault:
		c.Kind = KindKeyVault
	default:
		c.Kind = KindBasic
	}
	if c.Kind != KindIdentity && c.Resource != "" {
		return nil, fmt.Errorf("credential for %s: resource goes only with an identity login", reg)
	}
	return finish(&c)
}

// splitReadable splits the readable form at commas that start a known key
// and rejects unknown or repeated keys.
func splitReadable(s string) ([]string, error) {
	var fields []string
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimLeft(part, " ")
		if isReadableKey(part) || i == 0 {
			fields = append(fields, part)
			continue
		}
		fields[len(fields)-1] += "," + part
	}
	seen := map[string]bool{}
	for _, f := range fields {
		key, _, hasValue := strings.Cut(f, "=")
		if !isReadableKey(f) {
			if !hasValue {
				// A field without key= may be a password typed alone: never echo it.
				return nil, errors.New("credential: a field has no key= (it is not shown, it may be a secret); want server, username, password, password-env, password-stdin, identity, resource")
			}
			return nil, fmt.Errorf("credential: unknown key %q (want server, username, password, password-env, password-stdin, identity, resource)", key)
		}
		if key == "password-stdin" && hasValue {
			return nil, fmt.Errorf("credential: password-stdin takes no value")
		}
		if seen[key] {
			return nil, fmt.Errorf("credential: %s given twice", key)
		}
		seen[key] = true
	}
	return fields, nil
}

func isReadableKey(field string) bool {
	for _, k := range readableKeys {
		if strings.HasPrefix(field, k) && (strings.HasSuffix(k, "=") || field == k || strings.HasPrefix(field, k+"=")) {
			return true
		}
	}
	return false
}

func count(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func finish(c *Credential) (*Credential, error) {
	if c.Identity != "" {
		id, err := normalizeIdentity(c.Identity)
		if err != nil {
			return nil, fmt.Errorf("credential for %s: %w", c.Registry, err)
		}
		c.Identity = id
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// ReadPasswordStdin reads a password from r, which is normally standard
// input: everything up to the first line break, or all of r without one.
// An empty password is an error.
func ReadPasswordStdin(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", fmt.Errorf("read password from stdin: no password given")
	}
	return pw, nil
}

// ApplyStdinPassword reads the password of the one credential in creds that
// has PasswordFromStdin set from r, with [ReadPasswordStdin], and stores it
// in that credential. Standard input can be read once, so more than one
// such credential is an error. Without any, r is not read.
func ApplyStdinPassword(creds []*Credential, r io.Reader) error {
	var target *Credential
	for _, c := range creds {
		if !c.PasswordFromStdin {
			continue
		}
		if target != nil {
			return fmt.Errorf("credentials for %s and %s both use password-stdin; standard input holds only one password", target.Registry, c.Registry)
		}
		target = c
	}
	if target == nil {
		return nil
	}
	pw, err := ReadPasswordStdin(r)
	if err != nil {
		return fmt.Errorf("credential for %s: %w", target.Registry, err)
	}
	target.Password = pw
	return nil
}
