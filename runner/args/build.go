package args

import (
	"errors"
	"fmt"
	"strings"
)

// Build is a parsed build step: the arguments of docker build.
type Build struct {
	// Tags are the -t/--tag values in order.
	Tags []string
	// Dockerfile is -f/--file as written, or "". For a local context it
	// is relative to the step's working directory (as with the docker
	// CLI); for a remote context, relative to the downloaded context.
	Dockerfile string
	// Context is the single positional argument: a local path, a git URL or
	// a tarball URL (see ContextKind).
	Context string
	// BuildArgs maps --build-arg names to values. A bare "--build-arg K"
	// maps K to nil, meaning "take the value from the environment". A
	// repeated name keeps the last value.
	BuildArgs map[string]*string
	Target    string
	NoCache   bool
	Pull      bool
	// Quiet is -q/--quiet.
	Quiet bool
	// Labels maps --label keys to values; a bare "--label k" maps k to "".
	Labels                       map[string]string
	Platform, Network, Isolation string
	AddHosts, CacheFrom          []string
	// Secrets are --secret values (id=X[,src=F|,env=V]) and SSH the --ssh
	// values (default[=socket]); both need BuildKit.
	Secrets, SSH []string

	// ShellVars lists the parameters that ACR's host shell would have
	// expanded but that acb keeps literally, as in Cmd.ShellVars.
	ShellVars []string
}

// ParseBuild parses the text of a build step.
//
// The text is split into words like ParseCmd (host shell features yield a
// *HostShellError). Options and the context may appear in any order, so
// "-t x . -f y" and "-t x --pull https://host/r.git" both work. Exactly one
// positional context is required. --rm and --force-rm are accepted and
// ignored; any other option acb does not support is an error listing the
// supported ones.
func ParseBuild(s string) (*Build, error) {
	sw, err := splitWords(s)
	if err != nil {
		return nil, err
	}
	b := &Build{ShellVars: sw.vars}
	var buildArgs, labels []string
	var rm, forceRm bool
	fs := newFlagSet("build")
	fs.SetInterspersed(true)
	fs.StringArrayVarP(&b.Tags, "tag", "t", nil, "")
	fs.StringVarP(&b.Dockerfile, "file", "f", "", "")
	fs.StringArrayVar(&buildArgs, "build-arg", nil, "")
	fs.StringVar(&b.Target, "target", "", "")
	fs.BoolVar(&b.NoCache, "no-cache", false, "")
	fs.BoolVar(&b.Pull, "pull", false, "")
	fs.BoolVarP(&b.Quiet, "quiet", "q", false, "")
	fs.StringArrayVar(&labels, "label", nil, "")
	fs.StringVar(&b.Platform, "platform", "", "")
	fs.StringVar(&b.Network, "network", "", "")
	fs.StringVar(&b.Isolation, "isolation", "", "")
	fs.StringArrayVar(&b.AddHosts, "add-host", nil, "")
	fs.StringArrayVar(&b.CacheFrom, "cache-from", nil, "")
	fs.StringArrayVar(&b.Secrets, "secret", nil, "")
	fs.StringArrayVar(&b.SSH, "ssh", nil, "")
	fs.BoolVar(&rm, "rm", true, "")
	fs.BoolVar(&forceRm, "force-rm", false, "")

	if err := fs.Parse(sw.words); err != nil {
		return nil, flagError(err, fs, "docker build", "build")
	}
	if err := checkHelp(fs, "docker build", "build"); err != nil {
		return nil, err
	}
	for _, a := range buildArgs {
		k, v, ok := strings.Cut(a, "=")
		if k == "" {
			return nil, fmt.Errorf("invalid --build-arg %q in build: missing name", a)
		}
		if b.BuildArgs == nil {
			b.BuildArgs = map[string]*string{}
		}
		if ok {
			b.BuildArgs[k] = &v
		} else {
			b.BuildArgs[k] = nil
		}
	}
	for _, l := range labels {
		k, v, _ := strings.Cut(l, "=")
		if k == "" {
			return nil, fmt.Errorf("invalid --label %q in build: missing key", l)
		}
		if b.Labels == nil {
			b.Labels = map[string]string{}
		}
		b.Labels[k] = v
	}
	switch pos := fs.Args(); {
	case len(pos) == 0:
		return nil, errors.New("missing build context in build: expected [options] <context>, for example \".\"")
	case len(pos) > 1:
		return nil, fmt.Errorf("build needs exactly one context, got %d: %q", len(pos), pos)
	case pos[0] == "":
		return nil, errors.New("empty build context in build")
	case pos[0] == "-":
		return nil, errors.New("build context \"-\" (stdin) is not supported")
	default:
		b.Context = pos[0]
	}
	return b, nil
}
