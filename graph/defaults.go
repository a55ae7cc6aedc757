package graph

import (
	"strings"

	"github.com/acb-dev/acb/internal/diag"
)

// applyDefaults fills in what the file leaves out (behaviour §2.2, §2.3,
// §1.1), after the whole file has been read.
func (p *parser) applyDefaults(t *Task) {
	if t.Version == "" {
		t.Version = DefaultVersion
	}
	if t.StepTimeout <= 0 {
		t.StepTimeout = DefaultStepTimeout
	}
	if t.WorkingDirectory == "" {
		t.WorkingDirectory = p.opts.WorkingDirectory
	}
	switch {
	case p.opts.Network != "":
		t.Networks = append(t.Networks, &Network{
			Name:         p.opts.Network,
			Driver:       "external",
			SkipCreation: true,
			IsDefault:    true,
		})
	case len(t.Networks) == 0:
		t.Networks = append(t.Networks, &Network{
			Name:      DefaultNetworkName,
			Driver:    DefaultNetworkDriver,
			IsDefault: true,
		})
	}
	network := t.DefaultNetwork()

	cliEnv := p.cliEnv()
	merger := newEnvMerger(t.Env, cliEnv)
	for _, s := range t.Steps {
		if s.Timeout <= 0 {
			s.Timeout = t.StepTimeout
		}
		if s.RetryDelay <= 0 {
			s.RetryDelay = DefaultRetryDelay
		}
		if s.WorkingDirectory == "" {
			s.WorkingDirectory = t.WorkingDirectory
		}
		if s.Network == "" {
			s.Network = network
		}
		s.Env = merger.merge(s.Env)
		if len(s.Push) > 0 {
			s.Push = normalizePush(s.Push)
		}
	}
}

// cliEnv checks the --env defaults and returns the usable ones.
func (p *parser) cliEnv() []string {
	out := make([]string, 0, len(p.opts.Env))
	for _, e := range p.opts.Env {
		if k, _, ok := strings.Cut(e, "="); !ok || strings.TrimSpace(k) == "" {
			p.diags = append(p.diags, diag.Errorf(diag.Position{}, "", "--env entry %q is not of the form KEY=value", e))
			continue
		}
		out = append(out, e)
	}
	return out
}

// envKey returns the variable name of a KEY=value entry (the whole entry
// when it has no '=': docker then passes the variable through).
func envKey(e string) string {
	k, _, _ := strings.Cut(e, "=")
	return k
}

// envMerger merges step env with task and CLI defaults. The task's entries
// are kept as written: values may contain commas (the reference engine
// wrongly splits them).
type envMerger struct {
	task    []string
	taskKey []string
	cli     []string // CLI entries whose key the task does not set
	cliKey  []string
}

func newEnvMerger(task, cli []string) *envMerger {
	m := &envMerger{task: task, taskKey: make([]string, len(task))}
	taskKeys := newStringIndex(len(task))
	for i, e := range task {
		m.taskKey[i] = envKey(e)
		taskKeys.add(m.taskKey[i], i)
	}
	for _, e := range cli {
		k := envKey(e)
		if taskKeys.index(m.taskKey, k) < 0 {
			m.cli = append(m.cli, e)
			m.cliKey = append(m.cliKey, k)
		}
	}
	return m
}

// merge returns the step's entries, then task entries for keys the step
// does not set, then CLI entries for keys neither sets.
func (m *envMerger) merge(step []string) []string {
	if len(m.task) == 0 && len(m.cli) == 0 {
		return step
	}
	out := make([]string, 0, len(step)+len(m.task)+len(m.cli))
	out = append(out, step...)
	stepKeys := make([]string, len(step))
	for i, e := range step {
		stepKeys[i] = envKey(e)
	}
	idx := newStringIndex(len(step))
	for i, k := range stepKeys {
		idx.add(k, i)
	}
	for i, e := range m.task {
		if idx.index(stepKeys, m.taskKey[i]) < 0 {
			out = append(out, e)
		}
	}
	for i, e := range m.cli {
		if idx.index(stepKeys, m.cliKey[i]) < 0 {
			out = append(out, e)
		}
	}
	return out
}

// normalizePush adds ":latest" to references without tag or digest and
// removes duplicates, keeping the first occurrence. A ':' before the last
// '/' belongs to a registry host:port, not to a tag.
func normalizePush(refs []string) []string {
	out := make([]string, 0, len(refs))
	seen := newStringIndex(len(refs))
	for _, r := range refs {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !strings.Contains(r, "@") && !strings.Contains(r[strings.LastIndex(r, "/")+1:], ":") {
			r += ":latest"
		}
		if seen.index(out, r) >= 0 {
			continue
		}
		seen.add(r, len(out))
		out = append(out, r)
	}
	return out
}
