package load

import (
	"context"
	"maps"
	"regexp"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/template"
)

// secretRefPattern finds the secret ids a task's templates name:
// {{.Secrets.id}} and {{index .Secrets "id"}}.
var secretRefPattern = regexp.MustCompile(`\.Secrets\.([A-Za-z_][A-Za-z0-9_]*)|index\s+\.Secrets\s+"([^"]+)"`)

// secretPlaceholderWord stands in for a secret value in the pre-pass retry:
// a plain word keeps the YAML of any scalar that holds it valid.
const secretPlaceholderWord = "acbsecret"

// preRenderSecrets renders the task without secret values and reads its
// secrets: list. It renders with empty secrets first, as ACR does; when
// that breaks the YAML (`echo image:{{.Secrets.tag}} done` renders to
// `image: done`, a mapping) it retries with a placeholder word for every
// secret the templates name, so a valid task is never rejected by the
// pre-pass. The first error is returned when both fail.
func preRenderSecrets(ctx context.Context, doc *template.Document, data template.Data, renderOpts template.RenderOptions) ([]*graph.Secret, error) {
	pre, err := doc.Render(ctx, data, renderOpts)
	if err != nil {
		return nil, err
	}
	list, firstErr := graph.ParseSecrets([]byte(pre.Text), doc.File)
	if firstErr == nil {
		return list, nil
	}
	placeholders := maps.Clone(data.Secrets)
	if placeholders == nil {
		placeholders = map[string]string{}
	}
	for _, m := range secretRefPattern.FindAllStringSubmatch(doc.Text, -1) {
		id := m[1] + m[2]
		if _, ok := placeholders[id]; !ok {
			placeholders[id] = secretPlaceholderWord
		}
	}
	if len(placeholders) == len(data.Secrets) {
		return nil, firstErr
	}
	retry := data
	retry.Secrets = placeholders
	pre, err = doc.Render(ctx, retry, renderOpts)
	if err != nil {
		return nil, firstErr
	}
	list, err = graph.ParseSecrets([]byte(pre.Text), doc.File)
	if err != nil {
		return nil, firstErr
	}
	return list, nil
}
