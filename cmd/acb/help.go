package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// finishCommandTree adds cobra's lazily created help and completion commands
// and help flags now, so that the generated docs and completion see the
// whole tree, then makes boolean flags read as `--dry-run` in help and docs.
func finishCommandTree(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	walkCommands(root, func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		c.Flags().VisitAll(plainBoolUsage)
		c.PersistentFlags().VisitAll(plainBoolUsage)
	})
	registerCompletions(root)
}

// walkCommands calls fn for c and every command below it.
func walkCommands(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walkCommands(sub, fn)
	}
}

// plainBoolUsage hides a boolean flag's IsBoolFlag marker from pflag's usage
// writer, which since pflag 1.1 renders such flags as
// `--dry-run[=true|false]`. Parsing is unchanged: the flag keeps its
// NoOptDefVal "true", so `--dry-run` and `--dry-run=false` both work.
func plainBoolUsage(f *pflag.Flag) {
	if _, done := f.Value.(plainBool); done || f.Value.Type() != "bool" {
		return
	}
	f.Value = plainBool{f.Value}
}

// plainBool is a bool flag value without the IsBoolFlag method.
type plainBool struct{ v pflag.Value }

func (b plainBool) String() string     { return b.v.String() }
func (b plainBool) Set(s string) error { return b.v.Set(s) }
func (b plainBool) Type() string       { return b.v.Type() }
