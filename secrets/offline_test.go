package secrets_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/acb-dev/acb/secrets"
)

func TestEnvName(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]string{
		"db":          "ACB_SECRET_DB",
		"db-password": "ACB_SECRET_DB_PASSWORD",
		"my.Token_2":  "ACB_SECRET_MY_TOKEN_2",
	} {
		if got := secrets.EnvName(id); got != want {
			t.Errorf("EnvName(%q) = %q; want %q", id, got, want)
		}
	}
}

func TestParseSecretFlags(t *testing.T) {
	t.Parallel()
	got, err := secrets.ParseSecretFlags([]string{"a=1", "b=x=y", "empty=", "a=2"})
	want := map[string]string{"a": "2", "b": "x=y", "empty": ""}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseSecretFlags = %v, %v; want %v", got, err, want)
	}
	for _, arg := range []string{"hunter22", "=hunter22", "my id=hunter22"} {
		_, _, err := secrets.ParseSecretFlag(arg)
		if err == nil {
			t.Errorf("ParseSecretFlag(%q) succeeded", arg)
		} else if strings.Contains(err.Error(), "hunter22") {
			t.Errorf("ParseSecretFlag(%q) error shows the value: %v", arg, err)
		}
	}
}

func TestParseSecretFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     map[string]string
	}{
		{"dotenv", "# comment\n\nexport DB=pa$$w`rd # not a comment  \nEMPTY=\nQ=\"a\\nb\\\"c\\$d\" # comment\nS='lit\\n$x'\r\nEQ=a=b\n",
			map[string]string{"DB": "pa$$w`rd # not a comment", "EMPTY": "", "Q": "a\nb\"c$d", "S": "lit\\n$x", "EQ": "a=b"}},
		{"dotenv multi-line", "KEY=\"-----BEGIN KEY-----\nabc  \n-----END KEY-----\"\nNEXT=1\n",
			map[string]string{"KEY": "-----BEGIN KEY-----\nabc  \n-----END KEY-----", "NEXT": "1"}},
		{"yaml", "# secrets\ndb: 'pa:ss'\nport: 0123\nflag: true\nnone:\nblock: |\n  line1\n  line2\n",
			map[string]string{"db": "pa:ss", "port": "0123", "flag": "true", "none": "", "block": "line1\nline2\n"}},
		{"empty", "\n# nothing\n", map[string]string{}},
	}
	for _, tc := range tests {
		got, err := secrets.ParseSecretFile([]byte(tc.in))
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: ParseSecretFile = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	for _, in := range []string{
		"A=ok\nhunter22\n",        // dotenv line without "="
		"A=\"hunter22\n",          // quote never closed
		"A=\"hunter22\" trailing", // text after the quotes
		"a: [hunter22]\n",         // YAML value not a string
		"- hunter22\n",            // YAML list
		"a: 'hunter22\n",          // YAML syntax
	} {
		_, err := secrets.ParseSecretFile([]byte(in))
		if err == nil {
			t.Errorf("ParseSecretFile(%q) succeeded", in)
		} else if strings.Contains(err.Error(), "hunter22") {
			t.Errorf("ParseSecretFile(%q) error shows a value: %v", in, err)
		}
	}
}

func TestReadSecretFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "secrets.env")
	if err := os.WriteFile(path, []byte("A=1\nB=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := secrets.ReadSecretFile(path)
	if err != nil || !reflect.DeepEqual(got, map[string]string{"A": "1", "B": ""}) {
		t.Errorf("ReadSecretFile = %v, %v", got, err)
	}
	if _, err := secrets.ReadSecretFile(path + ".missing"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadSecretFile(missing) = %v; want ErrNotExist", err)
	}
}

// env returns a lookup function over vars, in place of os.LookupEnv.
func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestOffline(t *testing.T) {
	t.Parallel()
	file := map[string]string{"a": "from-file", "b": "from-file"}
	flags := map[string]string{"a": "from-flag", "empty": ""}
	o := secrets.NewOffline(secrets.Merge(file, flags), env(map[string]string{
		"ACB_SECRET_B":     "from-env-b", // values win over the environment
		"ACB_SECRET_C_ID":  "from-env-c",
		"ACB_SECRET_BLANK": "", // set but empty: unset
	}))
	refs := []secrets.Ref{{ID: "a"}, {ID: "b"}, {ID: "c-id"}, {ID: "empty"}, {ID: "blank"}, {ID: "nope", URL: "https://kv.vault.azure.net/secrets/nope"}}
	got, err := o.Resolve(context.Background(), refs)
	want := map[string]string{"a": "from-flag", "b": "from-file", "c-id": "from-env-c", "empty": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Resolve = %v; want %v", got, want)
	}
	var re *secrets.ResolveError
	if !errors.As(err, &re) || len(re.Errors) != 2 || re.Errors[0].ID != "blank" || re.Errors[1].ID != "nope" || !errors.Is(err, secrets.ErrMissing) {
		t.Fatalf("Resolve error = %v; want blank and nope missing", err)
	}
	if msg := re.Errors[1].Error(); !strings.Contains(msg, "--secret nope=VALUE") || !strings.Contains(msg, "$ACB_SECRET_NOPE") {
		t.Errorf("missing error = %q; want the ways to give the value", msg)
	}
	if v, ok := (*secrets.Offline)(nil).Lookup("a"); ok || v != "" {
		t.Error("a nil Offline has values")
	}
}

// stubRemote is a Resolver that records what it was asked.
type stubRemote struct {
	values map[string]string
	asked  []string
}

func (s *stubRemote) Resolve(_ context.Context, refs []secrets.Ref) (map[string]string, error) {
	got := map[string]string{}
	var errs []*secrets.SecretError
	for _, r := range refs {
		s.asked = append(s.asked, r.ID)
		if v, ok := s.values[r.ID]; ok {
			got[r.ID] = v
		} else {
			errs = append(errs, &secrets.SecretError{ID: r.ID, URL: r.URL, Kind: secrets.ErrNotFound, Detail: "not in the stub"})
		}
	}
	if len(errs) > 0 {
		return got, &secrets.ResolveError{Errors: errs}
	}
	return got, nil
}

func TestChain(t *testing.T) {
	t.Parallel()
	url := func(name string) string { return "https://kv.vault.azure.net/secrets/" + name }
	refs := []secrets.Ref{
		{ID: "local", URL: url("local")},
		{ID: "remote", URL: url("remote")},
		{ID: "gone", URL: url("gone")},
		{ID: "nourl"},
		{ID: "env", URL: url("env")},
	}
	local := secrets.NewOffline(map[string]string{"local": "local-value"}, env(map[string]string{"ACB_SECRET_ENV": "env-value"}))

	remote := &stubRemote{values: map[string]string{"remote": "remote-value", "local": "wrong"}}
	c := &secrets.Chain{Local: local, Remote: remote}
	got, err := c.Resolve(context.Background(), refs)
	want := map[string]string{"local": "local-value", "remote": "remote-value", "env": "env-value"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Resolve = %v; want %v", got, want)
	}
	if !reflect.DeepEqual(remote.asked, []string{"remote", "gone"}) {
		t.Errorf("the remote was asked for %v; want [remote gone]", remote.asked)
	}
	var re *secrets.ResolveError
	if !errors.As(err, &re) || len(re.Errors) != 2 || re.Errors[0].ID != "gone" || !errors.Is(re.Errors[0], secrets.ErrNotFound) ||
		re.Errors[1].ID != "nourl" || !errors.Is(re.Errors[1], secrets.ErrMissing) {
		t.Errorf("Resolve error = %v; want gone (not found) then nourl (missing)", err)
	}

	// --offline: the remote is never asked and every secret without a
	// local value is listed.
	remote = &stubRemote{values: map[string]string{"remote": "remote-value"}}
	c = &secrets.Chain{Local: local, Remote: remote, OfflineOnly: true}
	got, err = c.Resolve(context.Background(), refs)
	if len(remote.asked) != 0 {
		t.Errorf("--offline asked the remote for %v", remote.asked)
	}
	if !reflect.DeepEqual(got, map[string]string{"local": "local-value", "env": "env-value"}) {
		t.Errorf("--offline Resolve = %v", got)
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if !errors.As(err, &re) || len(re.Errors) != 3 || !errors.Is(err, secrets.ErrMissing) ||
		!strings.HasPrefix(msg, "unable to resolve 3 secrets:") || !strings.Contains(msg, "--offline forbids reading Key Vault") {
		t.Fatalf("--offline Resolve error = %q", msg)
	}
	for _, id := range []string{"remote", "gone", "nourl"} {
		if !strings.Contains(msg, `secret "`+id+`"`) || !strings.Contains(msg, secrets.EnvName(id)) {
			t.Errorf("--offline error does not list %s with its variable", id)
		}
	}

	// No remote and no local values: everything is missing.
	_, err = (&secrets.Chain{}).Resolve(context.Background(), refs)
	if !errors.As(err, &re) || len(re.Errors) != len(refs) {
		t.Errorf("empty Chain error = %v; want all %d secrets", err, len(refs))
	}
}
