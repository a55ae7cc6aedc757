package main

import (
	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/runner/load"
	"github.com/acb-dev/acb/runner/output"
	"github.com/acb-dev/acb/secrets"
)

// loadForDisplay loads -f for render and graph: offline secrets only,
// unresolved ones shown as ***, warnings printed, and every known secret
// value masked in the warnings and the error.
func loadForDisplay(cmd *cobra.Command, c *cli, lf *loadFlags) (*load.Loaded, *secrets.Masker, error) {
	lf.stdin = cmd.InOrStdin()
	masker := c.out.Masker()
	opts, err := lf.options(lf.file, masker, nil)
	if err != nil {
		return nil, nil, err
	}
	opts.AllowUnresolvedSecrets = true
	loaded, err := load.FromFile(cmd.Context(), opts)
	if err != nil {
		return nil, nil, err
	}
	masker.Add(loaded.SecretValues...)
	for _, d := range loaded.Warnings {
		c.out.Event(output.Warn, output.EventWarning).Bare().Msg(d.Error())
	}
	return loaded, masker, nil
}
