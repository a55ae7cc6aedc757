// Package args parses the argument strings of ACR task steps: the text of a
// cmd step (the tail of a "docker run" command line) and the text of a build
// step (the arguments of "docker build").
//
// ACR's engine ran every step as /bin/sh -c "docker run <engine flags> <cmd>",
// so the step text follows shell word rules and docker run options written
// before the image are honoured. acb runs steps on the Engine API without a
// host shell, so this package splits the text with a real shell parser
// (mvdan.cc/sh/v3/syntax, POSIX mode) and parses the options with a real flag
// parser (github.com/spf13/pflag). Text that needs a host shell to mean what
// it says (pipes, lists, redirections, command substitution, ...) is reported
// as a *HostShellError so the caller can refuse it.
//
// The package is pure: it does no I/O and talks to no daemon.
package args
