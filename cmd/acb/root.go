package main

import (
	"github.com/spf13/cobra"
)

func newRootCommand(c *cli) *cobra.Command {
	root := &cobra.Command{
		Use:   "acb",
		Short: "Run Azure Container Registry Tasks files on a local Docker engine",
		Long: `acb runs ACR Tasks YAML (build, push and cmd steps, when dependencies,
{{.Run.ID}}, {{.Values.X}}, $Registry aliases) on a local Docker engine and
prints what ACR would print: the same log lines and dependency report.`,
		Example: `  acb render -f acb.yaml --set REGISTRY1=127.0.0.1:5000
  acb validate examples/*/acb.yaml
  acb graph -f acb.yaml --format mermaid
  acb run -f acb.yaml examples/hello --set REGISTRY1=127.0.0.1:5000 --set REGISTRY2=127.0.0.1:5001`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newVersionCommand(c),
		newRenderCommand(c),
		newValidateCommand(c),
		newGraphCommand(c),
		newRunCommand(c),
		newRegistryCommand(c),
		newShellCommand(c),
		newCleanCommand(c),
		newGenDocsCommand(c),
	)
	finishCommandTree(root)
	return root
}
