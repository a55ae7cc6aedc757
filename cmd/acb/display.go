package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/runner"
	"github.com/acb-dev/acb/secrets"
)

// loadForDisplay loads -f for render and graph: offline secrets only,
// unresolved ones shown as ***, warnings printed, and every known secret
// value masked in the warnings and the error.
func loadForDisplay(cmd *cobra.Command, lf *loadFlags) (*runner.Loaded, *secrets.Masker, error) {
	lf.stdin = cmd.InOrStdin()
	masker := secrets.NewMasker()
	opts, err := lf.options(lf.file, masker)
	if err != nil {
		return nil, nil, err
	}
	opts.AllowUnresolvedSecrets = true
	loaded, err := runner.Load(cmd.Context(), opts)
	if err != nil {
		return nil, nil, asInput(maskErr(masker, err))
	}
	masker.Add(loaded.SecretValues...)
	for _, d := range loaded.Warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), masker.String(d.Error()))
	}
	return loaded, masker, nil
}
