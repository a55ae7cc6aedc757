package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/internal/version"
)

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print acb's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "Client:\n  Version: %s\n  Revision: %s\n  Go version: %s\n  Go compiler: %s\n  Platform: %s %s\n",
				version.Version, version.Revision, runtime.Version(), runtime.Compiler, runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
