package secrets

import (
	"context"
	"errors"
)

// Resolver resolves secrets: it returns the values it found, by ref ID,
// and an error (a *ResolveError for the resolvers of this package) naming
// every ref it could not resolve. Offline, KeyVault and Chain implement it.
type Resolver interface {
	Resolve(ctx context.Context, refs []Ref) (map[string]string, error)
}

// Chain resolves each secret from its local value when there is one, and
// otherwise from Key Vault. Local values win so that a task can be
// replayed with stand-ins for some or all of its Key Vault secrets.
type Chain struct {
	// Local holds the local values; nil means none.
	Local *Offline
	// Remote resolves the refs without a local value, typically a
	// *KeyVault; nil means no remote source.
	Remote Resolver
	// OfflineOnly forbids every network lookup (--offline): Remote is
	// never called, and refs without a local value fail with ErrMissing.
	OfflineOnly bool
}

// Resolve resolves refs: local values first, then Remote for the rest
// (unless OfflineOnly). The error, a *ResolveError, lists every secret
// resolved by neither, so a caller calling Resolve before the first step
// reports all missing secrets at once.
func (c *Chain) Resolve(ctx context.Context, refs []Ref) (map[string]string, error) {
	values := make(map[string]string, len(refs))
	var (
		remote []Ref
		failed []*SecretError
	)
	for _, r := range refs {
		if v, ok := c.Local.Lookup(r.ID); ok {
			values[r.ID] = v
			continue
		}
		switch {
		case c.OfflineOnly && r.URL != "":
			failed = append(failed, missingError(r, "--offline forbids reading Key Vault"))
		case c.OfflineOnly:
			failed = append(failed, missingError(r, ""))
		case r.URL == "":
			failed = append(failed, missingError(r, "it has no keyvault URL"))
		case c.Remote == nil:
			failed = append(failed, missingError(r, "no Key Vault access configured"))
		default:
			remote = append(remote, r)
		}
	}
	if len(remote) > 0 {
		got, err := c.Remote.Resolve(ctx, remote)
		for _, r := range remote {
			if v, ok := got[r.ID]; ok {
				values[r.ID] = v
			}
		}
		var re *ResolveError
		switch {
		case errors.As(err, &re):
			failed = append(failed, re.Errors...)
		case err != nil:
			for _, r := range remote {
				if _, ok := got[r.ID]; !ok {
					failed = append(failed, &SecretError{ID: r.ID, URL: redactURL(r.URL), Kind: err, Detail: err.Error(), Err: err})
				}
			}
		}
	}
	return values, resolveErr(sortByRefs(failed, refs))
}

// sortByRefs orders errs as their IDs appear in refs.
func sortByRefs(errs []*SecretError, refs []Ref) []*SecretError {
	if len(errs) < 2 {
		return errs
	}
	var out []*SecretError
	used := make([]bool, len(errs))
	for _, r := range refs {
		for i, e := range errs {
			if !used[i] && e.ID == r.ID {
				used[i] = true
				out = append(out, e)
				break
			}
		}
	}
	for i, e := range errs {
		if !used[i] {
			out = append(out, e)
		}
	}
	return out
}
