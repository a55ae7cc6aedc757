package graph

import "go.yaml.in/yaml/v3"

// ParseSecrets extracts and validates only the top-level secrets list of a
// task file. It serves the secret pre-render pass, which must learn the
// secrets before the final render: every other key is ignored, whatever its
// shape, and unknown keys inside secrets are ignored too (Parse reports
// them later). It fails only on YAML syntax errors and invalid secrets
// (missing or duplicate id, id with white space, missing keyvault, clientID
// that is not a GUID), returning a diag.List. file names the input in
// messages ("<input>" when empty).
func ParseSecrets(src []byte, file string) ([]*Secret, error) {
	p := newParser(src, ParseOptions{File: file, Lenient: true})
	root := p.document(src)
	var secrets []*Secret
	if root != nil {
		var list *yaml.Node // the last secrets key wins, as in yaml.v2
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "secrets" {
				list = root.Content[i+1]
			}
		}
		if list != nil {
			secrets = p.secrets(list)
		}
	}
	errs := p.diags.Errors()
	if len(errs) > 0 {
		p.diags = errs
		p.sortDiags()
		return nil, p.diags
	}
	return secrets, nil
}
