package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newGraphCommand() *cobra.Command {
	var lf loadFlags
	var format string
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Show a task's steps, their dependencies and which run together",
		Long: `graph loads a task like acb run and prints its step DAG: each step's
dependencies and the waves of steps that start together when all succeed.`,
		Example: `  acb graph -f acb.yaml
  acb graph -f acb.yaml --format dot | dot -Tsvg > task.svg
  acb graph -f acb.yaml --format mermaid`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			loaded, _, err := loadForDisplay(cmd, &lf)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch format {
			case "text":
				return loaded.DAG.Text(out)
			case "dot":
				return loaded.DAG.Dot(out)
			case "mermaid":
				return loaded.DAG.Mermaid(out)
			}
			return asInput(fmt.Errorf("--format %q: expected text, dot or mermaid", format))
		},
	}
	lf.register(cmd.Flags(), true)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, dot or mermaid")
	return cmd
}
