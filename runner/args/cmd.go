package args

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/docker/go-units"
	"github.com/spf13/pflag"
)

// Cmd is a parsed cmd step: the docker run options written before the image,
// the image, and the arguments after it.
type Cmd struct {
	// Image is the first word after the options, as written (no alias
	// resolution or normalisation happens here).
	Image string
	// Args are the words after the image, passed to the image's entrypoint.
	Args []string

	TTY, Interactive, Detach, Remove, Privileged, Init bool
	// RemoveSet reports whether --rm was given (Remove holds its value).
	RemoveSet bool

	Publish, Expose, Env, Volumes, AddHosts, Labels []string

	Workdir, User, Name, Entrypoint, Network string
	// EntrypointSet reports whether --entrypoint was given, which allows
	// --entrypoint "" (reset the image's entrypoint).
	EntrypointSet bool

	// MemoryBytes is -m/--memory in bytes; 0 when not given.
	MemoryBytes int64
	// NanoCPUs is --cpus in units of 1e-9 CPUs; 0 when not given.
	NanoCPUs int64

	// ShellVars lists, in order of first appearance and without duplicates,
	// the parameters ($NAME or ${NAME}) that ACR's host shell would have
	// expanded (usually to the empty string) but that acb keeps literally
	// in the words. An unquoted leading "~" is listed as "~". Callers
	// should warn about them.
	ShellVars []string
}

// ReplaceImage sets the image, for example after resolving an image alias.
func (c *Cmd) ReplaceImage(img string) { c.Image = img }

// ParseCmd parses the text of a cmd step.
//
// The text is split into words with POSIX shell rules (quotes, escapes,
// line continuations; a folded or literal YAML block is fine as long as it
// is one command). Text needing a host shell yields a *HostShellError. Leading
// docker run options are parsed up to the first non-option word, the image;
// an option acb does not support is an error listing the supported ones.
func ParseCmd(s string) (*Cmd, error) {
	sw, err := splitWords(s)
	if err != nil {
		return nil, err
	}
	c := &Cmd{ShellVars: sw.vars}
	var memory, cpus string
	fs := newFlagSet("cmd")
	fs.SetInterspersed(false)
	fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "net" {
			name = "network"
		}
		return pflag.NormalizedName(name)
	})
	fs.BoolVarP(&c.TTY, "tty", "t", false, "")
	fs.BoolVarP(&c.Interactive, "interactive", "i", false, "")
	fs.BoolVarP(&c.Detach, "detach", "d", false, "")
	fs.BoolVar(&c.Remove, "rm", false, "")
	fs.BoolVar(&c.Privileged, "privileged", false, "")
	fs.BoolVar(&c.Init, "init", false, "")
	fs.StringArrayVarP(&c.Publish, "publish", "p", nil, "")
	fs.StringArrayVar(&c.Expose, "expose", nil, "")
	fs.StringArrayVarP(&c.Env, "env", "e", nil, "")
	fs.StringArrayVarP(&c.Volumes, "volume", "v", nil, "")
	fs.StringArrayVar(&c.AddHosts, "add-host", nil, "")
	fs.StringArrayVarP(&c.Labels, "label", "l", nil, "")
	fs.StringVarP(&c.Workdir, "workdir", "w", "", "")
	fs.StringVarP(&c.User, "user", "u", "", "")
	fs.StringVar(&c.Name, "name", "", "")
	fs.StringVar(&c.Entrypoint, "entrypoint", "", "")
	fs.StringVar(&c.Network, "network", "", "")
	fs.StringVarP(&memory, "memory", "m", "", "")
	fs.StringVar(&cpus, "cpus", "", "")

	if err := fs.Parse(sw.words); err != nil {
		return nil, flagError(err, fs, "docker run", "cmd")
	}
	if err := checkHelp(fs, "docker run", "cmd"); err != nil {
		return nil, err
	}
	c.RemoveSet = fs.Changed("rm")
	c.EntrypointSet = fs.Changed("entrypoint")
	if fs.Changed("memory") {
		if c.MemoryBytes, err = units.RAMInBytes(memory); err != nil {
			return nil, fmt.Errorf("invalid --memory %q in cmd: %w", memory, err)
		}
	}
	if fs.Changed("cpus") {
		if c.NanoCPUs, err = parseCPUs(cpus); err != nil {
			return nil, fmt.Errorf("invalid --cpus %q in cmd: %w", cpus, err)
		}
	}
	rest := fs.Args()
	if len(rest) == 0 || rest[0] == "" {
		return nil, errors.New("missing image in cmd: expected [docker run options] <image> [args...]")
	}
	c.Image, c.Args = rest[0], rest[1:]
	return c, nil
}

// parseCPUs converts a decimal CPU count such as "1.5" to nano CPUs, the way
// docker run --cpus does.
func parseCPUs(s string) (int64, error) {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, errors.New("not a decimal number")
	}
	if r.Sign() < 0 {
		return 0, errors.New("must not be negative")
	}
	n := r.Mul(r, big.NewRat(1e9, 1))
	if !n.IsInt() || !n.Num().IsInt64() {
		return 0, errors.New("value is too precise or too large")
	}
	return n.Num().Int64(), nil
}
