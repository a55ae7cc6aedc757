package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/args"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/report"
)

// digestTimeout bounds digest population per step, as acr-builder's 5 min.
const digestTimeout = 5 * time.Minute

// DigestResolver looks up the manifest digest of an image reference in its
// registry (a HEAD request). It is only asked about images the local engine
// does not know.
type DigestResolver func(ctx context.Context, ref string) (string, error)

// depReport collects what build steps were built from, and fills in the
// digests after the run, for acr-builder's dependency report.
type depReport struct {
	mu     sync.Mutex
	byStep map[string][]report.Dependencies
}

// scan parses a build step's Dockerfile. A Dockerfile the scanner cannot
// understand is a warning, never a failed build (acr-builder fails the
// step). With no Dockerfile (a remote context) only the tags are reported.
func (r *run) scanDependencies(s *graph.Step, b *args.Build, dockerfile []byte, env []string) {
	var scan *report.ScanResult
	if dockerfile != nil {
		bargs := map[string]string{}
		for k, v := range buildArgs(b.BuildArgs, env) {
			if v != nil {
				bargs[k] = *v
			}
		}
		res, err := report.Scan(bytes.NewReader(dockerfile), report.ScanOptions{BuildArgs: bargs, Target: b.Target})
		if err != nil {
			r.c.warnf(s.ID, "WARNING: step %s: dependencies not scanned: %v", s.ID, err)
		} else {
			scan = res
			for _, w := range res.Warnings {
				r.c.warnf(s.ID, "WARNING: step %s: %s", s.ID, w)
			}
		}
	}
	rev := r.gitRevision()
	switch args.ContextKind(b.Context) {
	case args.ContextGit, args.ContextTarball:
		// The engine fetches a remote context itself: its revision is not
		// the run's source revision, and acb does not know it.
		rev = ""
	}
	deps := report.ForBuild(b.Tags, scan, rev)
	r.report.mu.Lock()
	if r.report.byStep == nil {
		r.report.byStep = map[string][]report.Dependencies{}
	}
	r.report.byStep[s.ID] = deps
	r.report.mu.Unlock()
}

func (r *run) gitRevision() string {
	if r.opts.Source == nil {
		return ""
	}
	return r.opts.Source.Commit
}

// populateDigests fills the digests of one build step's report entries.
//
// A built tag gets the digest its push in this run returned, else a repo
// digest of the image in the local store (a push by other means, such as a
// cmd step's docker push), else the local image id. The registry is never
// asked about a built tag: what it holds under that tag may be an earlier
// build. A build step that failed (ignoreErrors) built nothing: its tags
// keep an empty digest rather than one of an older image of that name.
//
// Runtime and buildtime dependencies get a repo digest from the local store
// (the classic builder pulls bases there), else Options.RemoteDigest (a
// registry HEAD). An unknowable digest stays empty and never fails the run.
func (r *run) populateDigests(ctx context.Context, s *graph.Step) {
	r.report.mu.Lock()
	deps := r.report.byStep[s.ID]
	r.report.mu.Unlock()
	if deps == nil {
		return
	}
	r.c.logf(s.ID, evSummary, "Populating digests for step ID: %s...", s.ID)
	ctx, cancel := context.WithTimeout(ctx, digestTimeout)
	defer cancel()
	res := r.results[s.ID]
	built := res != nil && res.Err == nil && res.ImageID != ""
	images := map[*report.ImageReference]bool{}
	for i := range deps {
		if img := deps[i].Image; img != nil {
			images[img] = true
		}
	}
	pushed := r.pushedDigests()
	digests := map[string]string{}
	for _, ref := range report.Refs(deps) {
		name := ref.Name()
		if images[ref] {
			if !built {
				continue
			}
			if d, ok := pushed[name]; ok {
				digests[name] = d
			} else if d := r.localDigest(ctx, s.ID, ref); d != "" {
				digests[name] = d
			} else {
				digests[name] = res.ImageID
			}
			continue
		}
		if d := r.localDigest(ctx, s.ID, ref); d != "" {
			digests[name] = d
		} else if d := r.remoteDigest(ctx, s.ID, ref); d != "" {
			digests[name] = d
		}
	}
	report.SetDigests(deps, digests)
	r.c.logf(s.ID, evSummary, "Successfully populated digests for step ID: %s", s.ID)
}

// pushedDigests maps every reference pushed in this run (normalised) to the
// digest the registry returned.
func (r *run) pushedDigests() map[string]string {
	out := map[string]string{}
	for _, res := range r.results {
		for ref, d := range res.Digests {
			if p, err := report.ParseReference(ref); err == nil {
				out[p.Name()] = d
			}
		}
	}
	return out
}

// localDigest returns a repo digest of ref from the engine's image store.
func (r *run) localDigest(ctx context.Context, step string, ref *report.ImageReference) string {
	info, err := r.eng.InspectImage(ctx, ref.Name())
	if err != nil {
		if !errors.Is(err, engine.ErrNotFound) {
			r.c.warnf(step, "WARNING: cannot inspect %s: %v", ref.Name(), err)
		}
		return ""
	}
	repo := strings.TrimSuffix(ref.Name(), ":"+ref.Tag)
	for _, rd := range info.RepoDigests {
		name, digest, ok := strings.Cut(rd, "@")
		if !ok {
			continue
		}
		if name == repo || "docker.io/"+name == repo || "docker.io/library/"+name == repo {
			return digest
		}
	}
	return ""
}

// remoteDigest asks the registry, when a resolver is configured.
func (r *run) remoteDigest(ctx context.Context, step string, ref *report.ImageReference) string {
	if r.opts.RemoteDigest == nil {
		return ""
	}
	d, err := r.opts.RemoteDigest(ctx, ref.Name())
	if err != nil {
		r.c.warnf(step, "WARNING: digest of %s unknown: %v", ref.Name(), err)
		return ""
	}
	return d
}

// dependencyReport returns every build step's entries in file order.
func (r *run) dependencyReport() []report.Dependencies {
	r.report.mu.Lock()
	defer r.report.mu.Unlock()
	var all []report.Dependencies
	for _, s := range r.steps {
		all = append(all, r.report.byStep[s.ID]...)
	}
	return all
}

// printDependencies prints "The following dependencies were found:" and the
// YAML list as ACR's run log shows it (a JSON event in JSON mode).
func (r *run) printDependencies(deps []report.Dependencies) error {
	if len(deps) == 0 {
		return nil
	}
	r.c.logf("", evReport, "The following dependencies were found:")
	if r.c.sink.JSON() {
		var b bytes.Buffer
		if err := report.WriteJSON(&b, deps); err != nil {
			return fmt.Errorf("write dependency report: %w", err)
		}
		r.c.rawJSON(evReport, "dependencies", json.RawMessage(bytes.TrimSpace(b.Bytes())))
		return nil
	}
	r.c.logf("", evReport, "")
	var b bytes.Buffer
	if err := report.WriteYAML(&b, deps); err != nil {
		return fmt.Errorf("write dependency report: %w", err)
	}
	r.c.raw(b.String())
	return nil
}
