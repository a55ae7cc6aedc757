package graph

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// validVersions are the accepted version strings, compared case-insensitively.
var validVersions = []string{"1.0-preview-1", "v1.0.0", "v1.1.0"}

// task reads the top-level mapping into t. Keys are read in a fixed order
// (volumes before steps) so that steps can be checked against them.
func (p *parser) task(root *yaml.Node, t *Task) {
	var f fields
	p.readFields(root, taskKeys, "", &f)

	if f.has(tkVersion) {
		t.Version = strings.TrimSpace(p.str(f.val[tkVersion], "version", ""))
		if t.Version != "" && !isValidVersion(t.Version) {
			p.errorf(p.resolveOr(f.val[tkVersion], f.key[tkVersion]), "",
				"unsupported version %q: use one of %s%s", t.Version, strings.Join(validVersions, ", "),
				didYouMean(t.Version, validVersions))
		}
	}
	if f.has(tkStepTimeout) {
		t.StepTimeout = p.integer(f.val[tkStepTimeout], "stepTimeout", "seconds", "")
		if t.StepTimeout < 0 {
			p.warnf(p.resolveOr(f.val[tkStepTimeout], f.key[tkStepTimeout]), "",
				"stepTimeout is negative; using the default of %d seconds", DefaultStepTimeout)
		}
	}
	if f.has(tkTotalTimeout) {
		t.TotalTimeout = p.integer(f.val[tkTotalTimeout], "totalTimeout", "seconds", "")
		p.warnf(f.key[tkTotalTimeout], "",
			"totalTimeout is a 2018 preview key that ACR ignores; the run's own timeout limits the whole run")
	}
	if f.has(tkWorkingDirectory) {
		t.WorkingDirectory = p.str(f.val[tkWorkingDirectory], "workingDirectory", "")
	}
	if f.has(tkEnv) {
		var nodes []*yaml.Node
		t.Env, nodes = p.strList(f.val[tkEnv], "env", `a list of KEY=value strings`, "")
		for i, e := range t.Env {
			if k, _, ok := strings.Cut(e, "="); !ok || strings.TrimSpace(k) == "" {
				p.errorf(nodes[i], "", "task env entry %q is not of the form KEY=value", e)
			}
		}
	}
	if f.has(tkSecrets) {
		t.Secrets = p.secrets(f.val[tkSecrets])
	}
	if f.has(tkNetworks) {
		t.Networks = p.networks(f.val[tkNetworks])
	}
	if f.has(tkVolumes) {
		t.Volumes = p.volumes(f.val[tkVolumes])
	}
	// tkAlias: consumed by the template stage; nothing to read here.
	if f.has(tkSteps) {
		items := p.list(f.val[tkSteps], "steps", "")
		t.Steps = make([]*Step, 0, len(items))
		p.steps = make([]stepSource, 0, len(items))
		for i, item := range items {
			t.Steps = append(t.Steps, p.step(item, i, t))
		}
	}
}

// resolveOr returns the resolved value node, or the key node when the value
// cannot be used for a position.
func (p *parser) resolveOr(v, k *yaml.Node) *yaml.Node {
	for i := 0; v != nil && v.Kind == yaml.AliasNode && i <= maxMergeDepth; i++ {
		v = v.Alias
	}
	if v == nil || v.Line == 0 {
		return k
	}
	return v
}

func isValidVersion(v string) bool {
	for _, ok := range validVersions {
		if strings.EqualFold(v, ok) {
			return true
		}
	}
	return false
}
