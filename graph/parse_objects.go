package graph

import (
	"encoding/base64"
	"strings"

	"go.yaml.in/yaml/v3"
)

// secrets reads and validates the task's secrets list (behaviour §2.4).
func (p *parser) secrets(v *yaml.Node) []*Secret {
	items := p.list(v, "secrets", "")
	out := make([]*Secret, 0, len(items))
	seen := make(map[string]*Secret, len(items))
	for _, item := range items {
		m := p.mapping(item, "secrets", "")
		if m == nil {
			continue
		}
		var f fields
		p.readFields(m, secretKeys, "", &f)
		s := &Secret{
			ID:       p.str(f.val[seID], "secret id", ""),
			KeyVault: p.str(f.val[seKeyVault], "keyvault", ""),
			ClientID: p.str(f.val[seClientID], "clientID", ""),
			Pos:      p.position(m),
		}
		idAt := orNode(f.key[seID], m)
		switch {
		case s.ID == "":
			p.errorf(idAt, "", "secret has no id: give each secret an id to use as {{.Secrets.<id>}}")
		case hasSpace(s.ID):
			p.errorf(idAt, "", "secret id %q must not contain whitespace", s.ID)
		case seen[s.ID] != nil:
			p.errorf(idAt, "", "secret id %q is already used at line %d", s.ID, seen[s.ID].Pos.Line)
		default:
			seen[s.ID] = s
		}
		if strings.TrimSpace(s.KeyVault) == "" {
			p.errorf(orNode(f.key[seKeyVault], m), "", "secret %q has no keyvault: give the Key Vault secret URL", s.ID)
		} else if p.opts.CheckSecretURL != nil {
			if err := p.opts.CheckSecretURL(s.KeyVault); err != nil {
				p.errorf(orNode(f.val[seKeyVault], m), "", "secret %q: %v", s.ID, err)
			}
		}
		if s.ClientID != "" && !isGUID(s.ClientID) {
			p.errorf(orNode(f.val[seClientID], m), "",
				"secret %q: clientID %q is not a GUID (the client ID of a user-assigned managed identity)", s.ID, s.ClientID)
		}
		out = append(out, s)
	}
	return out
}

// networks reads the task's networks (behaviour §2.5).
func (p *parser) networks(v *yaml.Node) []*Network {
	items := p.list(v, "networks", "")
	out := make([]*Network, 0, len(items))
	seen := make(map[string]*Network, len(items))
	for _, item := range items {
		m := p.mapping(item, "networks", "")
		if m == nil {
			continue
		}
		var f fields
		p.readFields(m, networkKeys, "", &f)
		n := &Network{
			Name:         p.str(f.val[nkName], "network name", ""),
			Driver:       p.str(f.val[nkDriver], "driver", ""),
			IPv6:         p.boolean(f.val[nkIPv6], "ipv6", ""),
			SkipCreation: p.boolean(f.val[nkSkipCreation], "skipCreation", ""),
			IsDefault:    p.boolean(f.val[nkIsDefault], "isDefault", ""),
			Pos:          p.position(m),
		}
		nameAt := orNode(f.key[nkName], m)
		switch {
		case strings.TrimSpace(n.Name) == "":
			p.errorf(nameAt, "", "network has no name")
		case hasSpace(n.Name):
			p.errorf(nameAt, "", "network name %q must not contain whitespace", n.Name)
		case seen[n.Name] != nil:
			p.errorf(nameAt, "", "network %q is already declared at line %d", n.Name, seen[n.Name].Pos.Line)
		default:
			seen[n.Name] = n
		}
		out = append(out, n)
	}
	return out
}

// volumes reads and validates the task's secret volumes (behaviour §2.6).
func (p *parser) volumes(v *yaml.Node) []*Volume {
	items := p.list(v, "volumes", "")
	out := make([]*Volume, 0, len(items))
	p.volumeNames = make(map[string]bool, len(items))
	lines := make(map[string]int, len(items))
	for _, item := range items {
		m := p.mapping(item, "volumes", "")
		if m == nil {
			continue
		}
		var f fields
		p.readFields(m, volumeKeys, "", &f)
		vol := &Volume{Name: p.str(f.val[vkName], "volume name", ""), Pos: p.position(m)}
		nameAt := orNode(f.key[vkName], m)
		switch {
		case vol.Name == "":
			p.errorf(nameAt, "", "volume has no name")
		case !isVolumeName(vol.Name):
			p.errorf(nameAt, "", "volume name %q may only contain letters, digits, '-' and '_'", vol.Name)
		case p.volumeNames[vol.Name]:
			p.errorf(nameAt, "", "volume %q is already declared at line %d", vol.Name, lines[vol.Name])
		}
		if vol.Name != "" {
			p.volumeNames[vol.Name] = true
			if lines[vol.Name] == 0 {
				lines[vol.Name] = vol.Pos.Line
			}
		}
		if !f.has(vkSecret) {
			p.errorf(m, "", "volume %q has no secret: secret (a map of file name to base64 content) is the only supported source", vol.Name)
		} else {
			vol.Secret = p.volumeSecret(f.val[vkSecret], vol.Name)
		}
		out = append(out, vol)
	}
	return out
}

// volumeSecret reads a volume's file name → base64 content map.
func (p *parser) volumeSecret(v *yaml.Node, volName string) map[string]string {
	m := p.resolve(v)
	if m == nil {
		return nil
	}
	if isNull(m) || (m.Kind == yaml.MappingNode && len(m.Content) == 0) {
		p.errorf(m, "", "volume %q: secret is empty; give at least one file", volName)
		return nil
	}
	if m.Kind != yaml.MappingNode {
		p.errorf(m, "", "volume %q: secret must be a map of file name to base64 content, found %s", volName, kindName(m))
		return nil
	}
	out := make(map[string]string, len(m.Content)/2)
	first := make(map[string]int, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := p.resolve(m.Content[i])
		if k == nil {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "", "volume %q: secret file names must be strings, found %s", volName, kindName(k))
			continue
		}
		name := k.Value
		if isNull(k) {
			name = ""
		}
		switch {
		case name == "":
			p.errorf(k, "", "volume %q: a secret file name is empty", volName)
			continue
		case !isFileName(name):
			p.errorf(k, "", "volume %q: file name %q may only contain letters, digits, '-', '_' and '.'", volName, name)
			continue
		case name == "." || name == "..":
			p.errorf(k, "", "volume %q: %q is not a usable file name", volName, name)
			continue
		}
		if line, dup := first[name]; dup {
			if p.opts.Lenient {
				p.warnf(k, "", "volume %q: file %q is given twice (first at line %d); the last one wins", volName, name, line)
			} else {
				p.errorf(k, "", "volume %q: file %q is given twice (first at line %d)", volName, name, line)
			}
		} else {
			first[name] = p.mapLine(k.Line)
		}
		val := p.str(m.Content[i+1], "volume secret value", "")
		if _, err := base64.StdEncoding.DecodeString(val); err != nil {
			p.errorf(p.resolveOr(m.Content[i+1], k), "", "volume %q: the content of file %q is not valid base64 (use the b64enc template function)", volName, name)
		}
		out[name] = val
	}
	return out
}

// mounts reads a step's volumeMounts. single accepts one mapping as well as
// a list (the docs' volumeMount spelling).
func (p *parser) mounts(v *yaml.Node, stepID string, single bool) []*VolumeMount {
	r := p.resolve(v)
	if r == nil || isNull(r) {
		return nil
	}
	items := []*yaml.Node{r}
	switch {
	case r.Kind == yaml.SequenceNode:
		items = r.Content
	case single && r.Kind == yaml.MappingNode:
	default:
		p.errorf(r, stepID, "volumeMounts must be a list of {name, mountPath}, found %s", kindName(r))
		return nil
	}
	out := make([]*VolumeMount, 0, len(items))
	paths := make(map[string]int, len(items))
	for _, item := range items {
		m := p.mapping(item, "volumeMounts", stepID)
		if m == nil {
			continue
		}
		var f fields
		p.readFields(m, mountKeys, stepID, &f)
		vm := &VolumeMount{
			Name:      p.str(f.val[mkName], "mount name", stepID),
			MountPath: p.str(f.val[mkMountPath], "mountPath", stepID),
			Pos:       p.position(m),
		}
		switch {
		case vm.Name == "":
			p.errorf(m, stepID, "volume mount has no name")
		case !p.volumeNames[vm.Name]:
			p.errorf(orNode(f.val[mkName], m), stepID, "volume mount names %q, which is not declared under volumes%s",
				vm.Name, didYouMean(vm.Name, sortedKeys(p.volumeNames)))
		}
		switch {
		case vm.MountPath == "":
			p.errorf(m, stepID, "volume mount has no mountPath")
		case paths[vm.MountPath] != 0:
			p.errorf(orNode(f.val[mkMountPath], m), stepID, "mountPath %q is already used by another mount of this step (line %d)",
				vm.MountPath, paths[vm.MountPath])
		default:
			paths[vm.MountPath] = vm.Pos.Line
			if !isAbsPath(vm.MountPath) {
				p.warnf(orNode(f.val[mkMountPath], m), stepID, "mountPath %q should be an absolute path", vm.MountPath)
			}
		}
		out = append(out, vm)
	}
	return out
}

func orNode(n, fallback *yaml.Node) *yaml.Node {
	if n != nil {
		return n
	}
	return fallback
}
