package args

import (
	"regexp"
	"strings"
)

// Build context kinds returned by ContextKind.
const (
	// ContextLocal is a path in the workspace.
	ContextLocal = "local"
	// ContextGit is a git repository URL, optionally with #ref[:subdir].
	ContextGit = "git"
	// ContextTarball is an http(s) URL that is not a git URL: a tar
	// archive, possibly compressed.
	ContextTarball = "tarball"
	// ContextOCI is an oci:// artifact reference, an ACR extension.
	ContextOCI = "oci"
)

// gitURLPath matches an http(s) URL whose path ends in .git, optionally
// followed by a fragment; this is docker build's rule.
var gitURLPath = regexp.MustCompile(`\.git(?:#.+)?$`)

// ContextKind classifies a build context like docker build does, plus the
// Azure DevOps form ACR accepts and oci://:
//
//   - "git": git://..., git@..., github.com/... shorthand, or an
//     http(s) URL whose path ends in .git (before an optional #fragment),
//     or an http(s) URL with an Azure DevOps "/_git/" path;
//   - "tarball": any other http(s) URL;
//   - "oci": oci://...;
//   - "local": anything else.
func ContextKind(ctx string) (kind string) {
	lower := strings.ToLower(ctx)
	switch {
	case strings.HasPrefix(lower, "git://"), strings.HasPrefix(ctx, "git@"),
		strings.HasPrefix(ctx, "github.com/"):
		return ContextGit
	case strings.HasPrefix(lower, "oci://"):
		return ContextOCI
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		repo, _, _ := SplitGitFragment(ctx)
		if gitURLPath.MatchString(ctx) || strings.Contains(repo, "/_git/") {
			return ContextGit
		}
		return ContextTarball
	default:
		return ContextLocal
	}
}

// SplitGitFragment splits a git context URL "repo#ref:subdir" into its
// parts. The fragment is split at the first "#", then at the first ":";
// missing parts are "". For example
// "https://github.com/o/r.git#main:docker" gives
// ("https://github.com/o/r.git", "main", "docker").
func SplitGitFragment(url string) (repo, ref, subdir string) {
	repo, frag, ok := strings.Cut(url, "#")
	if !ok {
		return url, "", ""
	}
	ref, subdir, _ = strings.Cut(frag, ":")
	return repo, ref, subdir
}
