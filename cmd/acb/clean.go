package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/runner"
	"github.com/acb-dev/acb/runner/output"
)

func newCleanCommand(c *cli) *cobra.Command {
	var opts runner.CleanOptions
	var dockerContext string
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Remove what acb runs left on the engine (killed runs, keep, --keep-on-failure)",
		Long: `clean lists the containers, networks, volumes and images labelled
dev.acb.run (every object acb creates carries it) and removes those whose
run is over: the acb process named by their dev.acb.owner label no longer
runs. That is what a killed run, keep: true steps, --keep-on-failure and an
interrupted acb shell leave. Objects of a run that is still going are left;
so are objects whose owner acb cannot tell (made on another host or by an
older acb) unless --run names their run. One line per object.`,
		Example: `  acb clean --dry-run
  acb clean --run cf1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			eng, _, err := openEngine(cmd.Context(), dockerContext)
			if err != nil {
				return err
			}
			defer eng.Close()
			done, err := runner.Clean(cmd.Context(), eng, opts)
			if err != nil {
				return err
			}
			out := c.out.Result()
			failed, removed := 0, 0
			for _, d := range done {
				fmt.Fprintln(out, d.String(opts.DryRun))
				switch {
				case d.Err != nil:
					failed++
				case d.Removed:
					removed++
				}
			}
			verb := "removed"
			if opts.DryRun {
				verb = "to remove"
			}
			c.out.Event(output.Info, output.EventCleanup).Bare().Msg(fmt.Sprintf("%d object(s) %s, %d left", removed-failed, verb, len(done)-removed+failed))
			if failed > 0 {
				return asInfra(fmt.Errorf("%d object(s) could not be removed", failed))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Run, "run", "", "only this run id's objects (also when acb cannot tell whether the run is over)")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "list what would be removed; remove nothing")
	addContextFlag(cmd.Flags(), &dockerContext)
	return cmd
}
