package template

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// ExpandImageAlias replaces the first whitespace-separated token of a cmd
// when it exactly equals an alias name ("bash" matches, "bash:3.0" and
// "bashful" do not). Leading blanks are dropped when a replacement happens;
// the rest of cmd is kept as written. A nil table changes nothing.
func ExpandImageAlias(cmd string, aliases map[string]string) string {
	if len(aliases) == 0 {
		return cmd
	}
	trimmed := strings.TrimLeftFunc(cmd, unicode.IsSpace)
	end := strings.IndexFunc(trimmed, unicode.IsSpace)
	if end < 0 {
		end = len(trimmed)
	}
	v, ok := aliases[trimmed[:end]]
	if !ok || end == 0 {
		return cmd
	}
	return v + trimmed[end:]
}

// RenderAliases renders every alias value that holds a template action
// (the predefined $ID is "{{.Run.ID}}") with data, so that image aliases
// carry final text. Values without "{{" are copied.
func RenderAliases(ctx context.Context, aliases map[string]string, data Data, opts RenderOptions) (map[string]string, error) {
	out := make(map[string]string, len(aliases))
	keys := make([]string, 0, len(aliases))
	for k := range aliases {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := aliases[k]
		if !strings.Contains(v, "{{") {
			out[k] = v
			continue
		}
		r, err := Render(ctx, "alias "+k, v, data, opts)
		if err != nil {
			return nil, fmt.Errorf("render alias %q: %w", k, err)
		}
		out[k] = r.Text
	}
	return out, nil
}
