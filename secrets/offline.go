package secrets

import (
	"context"
	"maps"
	"strings"
)

// EnvPrefix starts the names of the environment variables that hold offline
// secret values (see EnvName).
const EnvPrefix = "ACB_SECRET_"

// EnvName returns the environment variable that holds the offline value of
// the secret id: EnvPrefix followed by id in upper case, with every
// character other than an ASCII letter or digit replaced by "_". So
// "db-password" is read from ACB_SECRET_DB_PASSWORD. Ids differing only in
// case or punctuation share a variable.
func EnvName(id string) string {
	b := []byte(strings.ToUpper(id))
	for i, c := range b {
		if !isLetter(c) && !isDigit(c) {
			b[i] = '_'
		}
	}
	return EnvPrefix + string(b)
}

// Offline resolves secrets from local values, without any network access:
// the values given by the user (--secret, --secret-file) and environment
// variables (EnvName). It is safe for concurrent use.
type Offline struct {
	values    map[string]string
	lookupEnv func(string) (string, bool)
}

// NewOffline returns an Offline resolver that looks a secret id up in
// values first, then, if lookupEnv is not nil, in the environment variable
// EnvName(id) (pass os.LookupEnv). An environment variable that is set but
// empty counts as unset, since CI systems expand missing secrets to empty
// strings; an empty value can still be given in values. values is copied.
func NewOffline(values map[string]string, lookupEnv func(string) (string, bool)) *Offline {
	return &Offline{values: maps.Clone(values), lookupEnv: lookupEnv}
}

// Lookup returns the local value of the secret id. A nil *Offline has no
// values.
func (o *Offline) Lookup(id string) (string, bool) {
	if o == nil {
		return "", false
	}
	if v, ok := o.values[id]; ok {
		return v, true
	}
	if o.lookupEnv != nil {
		if v, ok := o.lookupEnv(EnvName(id)); ok && v != "" {
			return v, true
		}
	}
	return "", false
}

// Resolve returns the local values of refs, by ID, and a *ResolveError
// listing every ref without a local value (kind ErrMissing).
func (o *Offline) Resolve(_ context.Context, refs []Ref) (map[string]string, error) {
	values := make(map[string]string, len(refs))
	var missing []*SecretError
	for _, r := range refs {
		if v, ok := o.Lookup(r.ID); ok {
			values[r.ID] = v
			continue
		}
		missing = append(missing, missingError(r, ""))
	}
	return values, resolveErr(missing)
}

// missingError is the error of a ref with no local value; why says why Key
// Vault was not asked instead, if it applies.
func missingError(r Ref, why string) *SecretError {
	d := "no local value: give it with --secret " + r.ID + "=VALUE, in a --secret-file, or in $" + EnvName(r.ID)
	if why != "" {
		d += " (" + why + ")"
	}
	url := ""
	if r.URL != "" {
		url = redactURL(r.URL)
	}
	return &SecretError{ID: r.ID, URL: url, Kind: ErrMissing, Detail: d}
}
