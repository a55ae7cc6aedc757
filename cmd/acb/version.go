package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/internal/version"
)

func newVersionCommand(c *cli) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print acb's version, revision, Go version and platform",
		Long: `version prints the release version and git revision acb was built from
(from the release's link flags, or else from the Go build info: the module
version for go install ...@version, the revision for builds in a checkout),
the Go version and the platform.`,
		Example: `  acb version
  acb version -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := version.Get()
			out := c.out.Result()
			switch output {
			case "json":
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			case "text":
				revision := info.Revision
				if info.Modified {
					revision += " (modified)"
				}
				_, err := fmt.Fprintf(out, "Version:    %s\nRevision:   %s\nGo version: %s\nPlatform:   %s\n",
					info.Version, revision, info.GoVersion, info.Platform)
				return err
			}
			return asInput(fmt.Errorf("--output %q: expected text or json", output))
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
