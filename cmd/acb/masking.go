package main

import (
	"context"
	"strings"

	"github.com/acb-dev/acb/secrets"
)

// maskingResolver adds every secret value its resolver returns to a
// Masker at once, so that the errors of the rest of the load (a rendered
// line quoted by a YAML error) are masked too.
type maskingResolver struct {
	r secrets.Resolver
	m *secrets.Masker
}

// Resolve implements secrets.Resolver.
func (x maskingResolver) Resolve(ctx context.Context, refs []secrets.Ref) (map[string]string, error) {
	values, err := x.r.Resolve(ctx, refs)
	for _, v := range values {
		x.m.Add(v)
	}
	return values, err
}

// addSetSecrets masks the values of --set-secret key=value entries.
func addSetSecrets(m *secrets.Masker, entries []string) {
	for _, kv := range entries {
		if _, v, ok := strings.Cut(kv, "="); ok {
			m.Add(v)
		}
	}
}
