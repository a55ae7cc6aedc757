package report

// Dependencies is one entry of the report: an image a build step produced
// and what it was built from. Its JSON form is acb's (pkg/image.Dependencies).
type Dependencies struct {
	// Image is the built image; nil when the step has no tags.
	Image *ImageReference `json:"image"`
	// Runtime is the base of the final (or target) stage (scratch is
	// library/scratch:latest with no digest, as on ACR); nil when the
	// Dockerfile could not be scanned.
	Runtime *ImageReference `json:"runtime-dependency"`
	// Buildtime are the bases of the other stages; nil when there are none.
	Buildtime []*ImageReference `json:"buildtime-dependency"`
	// Git is the build context's revision.
	Git *GitReference `json:"git,omitempty"`
}

// GitReference is the git revision of a build context.
type GitReference struct {
	// GitHeadRevision is the commit id, or empty when the context is not a
	// git repository.
	GitHeadRevision string `json:"git-head-revision"`
}

// ForBuild builds the report entries of one build step: one per tag, each
// repeating the runtime and buildtime dependencies, or a single entry with a
// nil Image when there are no tags. scan may be nil when the Dockerfile could
// not be scanned. Like acb, every entry carries a GitReference, whose
// revision is empty without a git context. A tag that cannot be parsed keeps
// only its Reference.
//
// The entries share the dependency pointers, so filling in a digest once
// fills it in every entry.
func ForBuild(tags []string, scan *ScanResult, gitRev string) []Dependencies {
	var runtime *ImageReference
	var buildtime []*ImageReference
	if scan != nil {
		runtime = scan.Runtime
		if len(scan.Buildtime) > 0 {
			buildtime = scan.Buildtime
		}
	}
	git := &GitReference{GitHeadRevision: gitRev}
	if len(tags) == 0 {
		return []Dependencies{{Runtime: runtime, Buildtime: buildtime, Git: git}}
	}
	deps := make([]Dependencies, 0, len(tags))
	for _, tag := range tags {
		img, err := ParseReference(tag)
		if err != nil {
			img = &ImageReference{Reference: tag}
		}
		deps = append(deps, Dependencies{Image: img, Runtime: runtime, Buildtime: buildtime, Git: git})
	}
	return deps
}

// Refs lists the references in deps that still need a digest, each image
// once (by Name), in report order: images, runtime, then buildtime
// dependencies. Look each one up by Name and store the results with
// SetDigests.
func Refs(deps []Dependencies) []*ImageReference {
	var refs []*ImageReference
	seen := map[string]bool{}
	each(deps, func(r *ImageReference) {
		if r.Digest != "" || r.Repository == "" || r.IsScratch() {
			return // scratch has no manifest, so no digest, as on ACR
		}
		if name := r.Name(); !seen[name] {
			seen[name] = true
			refs = append(refs, r)
		}
	})
	return refs
}

// SetDigests fills in the digest of every reference in deps that has none
// and whose Name is a key of digests.
func SetDigests(deps []Dependencies, digests map[string]string) {
	each(deps, func(r *ImageReference) {
		if d, ok := digests[r.Name()]; ok && r.Digest == "" && r.Repository != "" {
			r.Digest = d
		}
	})
}

// each calls f for every non-nil reference in deps, in report order.
func each(deps []Dependencies, f func(*ImageReference)) {
	for _, d := range deps {
		if d.Image != nil {
			f(d.Image)
		}
	}
	for _, d := range deps {
		if d.Runtime != nil {
			f(d.Runtime)
		}
		for _, b := range d.Buildtime {
			if b != nil {
				f(b)
			}
		}
	}
}
