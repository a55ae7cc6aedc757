package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/graph"
)

func newGraphCommand(c *cli) *cobra.Command {
	var lf loadFlags
	var format string
	var sf selectFlags
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Show a task's steps, their dependencies and which run together",
		Long: `graph loads a task like acb run and prints its step DAG: each step's
dependencies and the waves of steps that start together when all succeed.
--target, --only, --from and --skip mark the steps acb run would leave out
with the same flags.`,
		Example: `  acb graph -f acb.yaml
  acb graph -f acb.yaml --format dot | dot -Tsvg > task.svg
  acb graph -f acb.yaml --format mermaid
  acb graph -f acb.yaml --target push`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			loaded, masker, err := loadForDisplay(cmd, c, &lf)
			if err != nil {
				return err
			}
			var sel *graph.Selected
			if !sf.sel.IsZero() {
				if sel, err = loaded.DAG.Select(sf.sel); err != nil {
					return asInput(err)
				}
			}
			// Step labels quote rendered commands, which may hold secret
			// values: every format is masked like all other output.
			out := masker.Writer(c.out.Result())
			switch format {
			case "text":
				err = loaded.DAG.TextSelected(out, masker.String, sel)
			case "dot":
				err = loaded.DAG.DotSelected(out, sel)
			case "mermaid":
				err = loaded.DAG.MermaidSelected(out, sel)
			default:
				return asInput(fmt.Errorf("--format %q: expected text, dot or mermaid", format))
			}
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			return err
		},
	}
	lf.register(cmd.Flags(), true)
	lf.registerNetwork(cmd.Flags())
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, dot or mermaid")
	sf.register(cmd.Flags())
	return cmd
}
