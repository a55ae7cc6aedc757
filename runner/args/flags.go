package args

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// newFlagSet returns a quiet FlagSet that reports errors instead of printing
// them.
func newFlagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	// -h/--help is not an option acb supports; define it so that pflag
	// reports it like any other unsupported option instead of ErrHelp.
	fs.BoolP("help", "h", false, "")
	return fs
}

// flagError rewrites a pflag error as an acb error. what is "docker run" or
// "docker build", where is "cmd" or "build".
func flagError(err error, fs *pflag.FlagSet, what, where string) error {
	var ne *pflag.NotExistError
	if errors.As(err, &ne) {
		opt := "--" + ne.GetSpecifiedName()
		if ne.GetSpecifiedShortnames() != "" {
			opt = "-" + ne.GetSpecifiedName()[:1]
		}
		return unsupported(opt, fs, what, where)
	}
	return fmt.Errorf("invalid %s options in %s: %w", what, where, err)
}

// checkHelp returns the unsupported-option error when -h/--help was given.
func checkHelp(fs *pflag.FlagSet, what, where string) error {
	if fs.Changed("help") {
		return unsupported("-h/--help", fs, what, where)
	}
	return nil
}

func unsupported(opt string, fs *pflag.FlagSet, what, where string) error {
	return fmt.Errorf("unsupported %s option %q in %s (supported: %s)", what, opt, where, supportedList(fs))
}

// supportedList lists the options of fs, sorted, as "-t/--tag, --target".
func supportedList(fs *pflag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Name == "help" {
			return
		}
		n := "--" + f.Name
		if f.Shorthand != "" {
			n = "-" + f.Shorthand + "/" + n
		}
		names = append(names, n)
	})
	sort.Slice(names, func(i, j int) bool {
		return strings.TrimLeft(names[i], "-") < strings.TrimLeft(names[j], "-")
	})
	return strings.Join(names, ", ")
}
