package graph

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// step reads one item of the steps list. The step's id (or its default) is
// known before anything else is reported, so every diagnostic names it.
func (p *parser) step(item *yaml.Node, index int, t *Task) *Step {
	s := &Step{Index: index}
	src := stepSource{}
	defer func() { p.steps = append(p.steps, src) }()

	label := StepIDPrefix + strconv.Itoa(index)
	m := p.resolve(item)
	if m == nil {
		s.ID = label
		return s
	}
	s.Pos = p.position(m)
	if m.Kind != yaml.MappingNode {
		s.ID = label
		p.errorf(m, label, "a step must be a mapping with one of cmd, build or push, found %s", kindName(m))
		return s
	}
	if id := explicitID(m); id != "" {
		label = id
		if !printableID(id) {
			label = strconv.Quote(id) // never print terminal escapes raw
		}
	}

	var f fields
	p.readFields(m, stepKeys, label, &f)

	if f.has(skID) {
		s.ID = p.str(f.val[skID], "id", label)
		src.id = p.resolveOr(f.val[skID], f.key[skID])
		if s.ID != "" && hasSpace(s.ID) {
			p.errorf(src.id, label, "step id %q must not contain whitespace", s.ID)
		} else if s.ID != "" && !printableID(s.ID) {
			// Step ids are printed in every log line: control characters
			// would forge lines or drive the terminal.
			p.errorf(src.id, label, "step id %q must not contain control, format or invalid UTF-8 characters", s.ID)
		} else if s.ID != "" && !ValidContainerName(s.ID) {
			p.warnf(src.id, label, "step id %q is not a valid Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]+), which ACR's docker run rejects; acb gives its container another name and keeps the id as its network alias", s.ID)
		}
	}
	if s.ID == "" {
		s.ID = StepIDPrefix + strconv.Itoa(index)
		src.id = nil
	}

	p.stepKind(s, &f, m, label)
	if f.has(skWhen) {
		p.stepWhen(s, &src, &f, label)
	}

	s.WorkingDirectory = p.str(f.val[skWorkingDirectory], "workingDirectory", label)
	s.DisableWorkingDirectoryOverride = p.boolean(f.val[skDisableWorkingDirectoryOverride], "disableWorkingDirectoryOverride", label)
	s.EntryPoint = p.str(f.val[skEntryPoint], "entryPoint", label)
	if f.has(skEnv) {
		var nodes []*yaml.Node
		s.Env, nodes = p.strList(f.val[skEnv], "env", "a list of KEY=value strings", label)
		for i, e := range s.Env {
			if strings.TrimSpace(envKey(e)) == "" {
				p.errorf(nodes[i], label, "env entry %q has no variable name", e)
			}
		}
	}
	s.User = p.str(f.val[skUser], "user", label)
	if f.has(skNetwork) {
		if n := p.resolve(f.val[skNetwork]); n != nil && n.Kind == yaml.MappingNode {
			p.errorf(n, label, "network must be the name of a network (a string), found a mapping")
		} else {
			s.Network = p.str(f.val[skNetwork], "network", label)
		}
	}
	s.Isolation = p.str(f.val[skIsolation], "isolation", label)
	s.CPUs = p.str(f.val[skCPUs], "cpus", label)
	s.Privileged = p.boolean(f.val[skPrivileged], "privileged", label)
	s.Ports, _ = p.strList(f.val[skPorts], "ports", `["8080:80"]`, label)
	s.Expose, _ = p.strList(f.val[skExpose], "expose", `["80"]`, label)
	s.Detach = p.boolean(f.val[skDetach], "detach", label)
	s.Keep = p.boolean(f.val[skKeep], "keep", label)
	s.Pull = p.boolean(f.val[skPull], "pull", label)
	if f.has(skCache) {
		s.Cache = p.str(f.val[skCache], "cache", label)
		if s.Cache != "" && !strings.EqualFold(s.Cache, "enabled") && !strings.EqualFold(s.Cache, "disabled") {
			p.errorf(p.resolveOr(f.val[skCache], f.key[skCache]), label, "cache must be enabled or disabled, found %q", s.Cache)
		}
	}
	p.stepMounts(s, &f, label)

	s.Timeout = p.nonNegativeOrDefault(&f, skTimeout, label, fmt.Sprintf("the step timeout (stepTimeout, default %d seconds)", DefaultStepTimeout))
	s.StartDelay = p.nonNegativeOrDefault(&f, skStartDelay, label, "no delay")
	s.Retries = p.nonNegative(&f, skRetries, "", label)
	s.Repeat = p.nonNegative(&f, skRepeat, "", label)
	s.CmdDownloadRetries = p.nonNegative(&f, skCmdDownloadRetries, "", label)
	s.CmdDownloadRetryDelay = p.nonNegative(&f, skCmdDownloadRetryDelay, "seconds", label)
	if f.has(skRetryDelay) {
		s.RetryDelay = p.integer(f.val[skRetryDelay], "retryDelay", "seconds", label)
		if s.RetryDelay < 0 {
			p.warnf(p.resolveOr(f.val[skRetryDelay], f.key[skRetryDelay]), label,
				"retryDelay is negative; using the default of %d seconds", DefaultRetryDelay)
		}
	}
	s.RetryOnErrors, _ = p.strList(f.val[skRetryOnErrors], "retryOnErrors", `["text to look for"]`, label)
	s.IgnoreErrors = p.boolean(f.val[skIgnoreErrors], "ignoreErrors", label)

	p.stepLegacy(&f, label)
	p.stepApplicability(s, &f, label)
	return s
}

// explicitID returns the value of the last plain id key of a step mapping.
func explicitID(m *yaml.Node) string {
	id := ""
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		if k.Kind == yaml.ScalarNode && k.Value == "id" && v.Kind == yaml.ScalarNode && !isNull(v) {
			id = v.Value
		}
	}
	return id
}

// stepKind reads cmd, build and push and sets the step type.
func (p *parser) stepKind(s *Step, f *fields, m *yaml.Node, label string) {
	var present []int
	for _, k := range [...]int{skCmd, skBuild, skPush} {
		if f.has(k) {
			present = append(present, k)
		}
	}
	switch len(present) {
	case 0:
		p.errorf(m, label, "step has none of cmd, build or push; give exactly one")
		return
	case 1:
	default:
		for _, k := range present[1:] {
			p.errorf(f.key[k], label, "step has both %s and %s; give exactly one of cmd, build or push",
				stepKeys.names[present[0]], stepKeys.names[k])
		}
	}
	switch present[0] {
	case skCmd:
		s.Type = CmdStep
	case skBuild:
		s.Type = BuildStep
	case skPush:
		s.Type = PushStep
	}
	if f.has(skCmd) {
		s.Cmd = p.str(f.val[skCmd], "cmd", label)
		if strings.TrimSpace(s.Cmd) == "" {
			p.errorf(p.resolveOr(f.val[skCmd], f.key[skCmd]), label, "cmd is empty: give an image and its arguments")
		}
	}
	if f.has(skBuild) {
		s.Build = p.str(f.val[skBuild], "build", label)
		if strings.TrimSpace(s.Build) == "" {
			p.errorf(p.resolveOr(f.val[skBuild], f.key[skBuild]), label, "build is empty: give docker build arguments and a context")
		}
	}
	if f.has(skPush) {
		var nodes []*yaml.Node
		s.Push, nodes = p.strList(f.val[skPush], "push", `a list of image references, e.g. push: ["myregistry.azurecr.io/app:v1"]`, label)
		if len(s.Push) == 0 {
			p.errorf(p.resolveOr(f.val[skPush], f.key[skPush]), label, "push lists no images")
		}
		for i, ref := range s.Push {
			if strings.TrimSpace(ref) == "" {
				p.errorf(nodes[i], label, "push entry is empty")
			} else if hasSpace(ref) {
				p.errorf(nodes[i], label, "push entry %q must be a single image reference without spaces", ref)
			}
		}
	}
}

// stepWhen reads when and removes duplicate entries with a warning (the
// reference engine hangs on them). The references themselves are checked by
// link, once every step is known.
func (p *parser) stepWhen(s *Step, src *stepSource, f *fields, label string) {
	vals, nodes := p.strList(f.val[skWhen], "when", `a list, e.g. when: ["-"] or when: ["build-step"]`, label)
	if len(vals) == 0 {
		if n := p.resolveOr(f.val[skWhen], f.key[skWhen]); n.Kind == yaml.SequenceNode {
			p.warnf(n, label, "when is empty; the step runs after the step above it, as without when")
		}
		return
	}
	s.When = make([]string, 0, len(vals))
	seen := newStringIndex(len(vals))
	src.when = make([]*yaml.Node, 0, len(vals))
	for i, w := range vals {
		if dup := seen.index(s.When, w); dup >= 0 {
			p.warnf(nodes[i], label, "when names %q twice (first at line %d); the duplicate is ignored",
				w, p.mapLine(src.when[dup].Line))
			continue
		}
		seen.add(w, len(s.When))
		s.When = append(s.When, w)
		src.when = append(src.when, nodes[i])
	}
}

// stepMounts reads volumeMounts, or the docs' volumeMount spelling.
func (p *parser) stepMounts(s *Step, f *fields, label string) {
	switch {
	case f.has(skVolumeMounts) && f.has(skVolumeMount):
		p.keyProblemf(f.key[skVolumeMount], label, "volumeMount and volumeMounts are the same key; give only volumeMounts")
		s.VolumeMounts = p.mounts(f.val[skVolumeMounts], label, false)
	case f.has(skVolumeMounts):
		s.VolumeMounts = p.mounts(f.val[skVolumeMounts], label, false)
	case f.has(skVolumeMount):
		p.warnf(f.key[skVolumeMount], label, "volumeMount is read as volumeMounts; prefer the volumeMounts spelling")
		s.VolumeMounts = p.mounts(f.val[skVolumeMount], label, true)
	}
}

// nonNegative reads an integer key that must not be negative.
func (p *parser) nonNegative(f *fields, key int, unit, label string) int {
	if !f.has(key) {
		return 0
	}
	name := stepKeys.names[key]
	n := p.integer(f.val[key], name, unit, label)
	if n < 0 {
		p.errorf(p.resolveOr(f.val[key], f.key[key]), label, "%s must be 0 or more, found %d", name, n)
		return 0
	}
	return n
}

// nonNegativeOrDefault reads a seconds value that ACR replaces by its
// default when negative: an error saying so, or with --lenient a warning
// and 0 (the default).
func (p *parser) nonNegativeOrDefault(f *fields, key int, label, def string) int {
	if !f.has(key) {
		return 0
	}
	name := stepKeys.names[key]
	n := p.integer(f.val[key], name, "seconds", label)
	if n >= 0 {
		return n
	}
	at := p.resolveOr(f.val[key], f.key[key])
	if p.opts.Lenient {
		p.warnf(at, label, "%s is negative (%d); using %s, as ACR does", name, n, def)
		return 0
	}
	p.errorf(at, label, "%s must be 0 or more, found %d; ACR would use %s, and so does --lenient", name, n, def)
	return 0
}

// stepLegacy warns about keys that are accepted but do nothing.
func (p *parser) stepLegacy(f *fields, label string) {
	for _, k := range [...]struct {
		key int
		msg string
	}{
		{skDownloadRetries, "downloadRetries is ignored: the engine reads cmdDownloadRetries"},
		{skDownloadRetryDelay, "downloadRetryDelay is ignored: the engine reads cmdDownloadRetryDelay"},
		{skExitedWith, "exitedWith is a 2018 preview key and is ignored"},
		{skExitedWithout, "exitedWithout is a 2018 preview key and is ignored"},
		{skSecret, "the step key secret is ignored: declare secrets at task level and use {{.Secrets.<id>}} or a secret volume"},
	} {
		if f.has(k.key) {
			p.warnf(f.key[k.key], label, "%s", k.msg)
		}
	}
}

// stepApplicability reports keys that do not apply to the step's type.
func (p *parser) stepApplicability(s *Step, f *fields, label string) {
	switch s.Type {
	case PushStep:
		if !f.has(skPush) {
			return
		}
		if len(s.VolumeMounts) > 0 {
			p.errorf(orNode(f.key[skVolumeMounts], f.key[skVolumeMount]), label, "volume mounts are only allowed on cmd and build steps, not push")
		}
		for k := 0; k < numStepKeys; k++ {
			if f.has(k) && !pushStepKeys[k] {
				p.warnf(f.key[k], label, "%s has no effect on a push step", stepKeys.names[k])
			}
		}
	case BuildStep:
		for _, k := range [...]int{skEntryPoint, skPull, skCmdDownloadRetries, skCmdDownloadRetryDelay} {
			if f.has(k) {
				p.warnf(f.key[k], label, "%s only applies to cmd steps", stepKeys.names[k])
			}
		}
	}
	if s.Type == CmdStep && !s.Pull {
		for _, k := range [...]int{skCmdDownloadRetries, skCmdDownloadRetryDelay} {
			if f.has(k) {
				p.warnf(f.key[k], label, "%s retries the explicit pull of pull: true; without it, it has no effect (as on ACR)", stepKeys.names[k])
			}
		}
	}
	if s.Type != BuildStep && f.has(skCache) && (f.has(skCmd) || f.has(skPush)) {
		p.warnf(f.key[skCache], label, "cache only applies to build steps")
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
