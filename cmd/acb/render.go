package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/runner/load"
)

func newRenderCommand(c *cli) *cobra.Command {
	var lf loadFlags
	var showSecrets bool
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Print a task file as the executor will see it",
		Long: `render runs the front end exactly as acb run does (version detection,
aliases, templates with .Run, .Values and .Secrets, image aliases) and prints
the resulting YAML. Secret values print as *** unless --show-secrets is given;
secrets that cannot be resolved offline render as ***.`,
		Example: `  acb render -f acb.yaml --set REGISTRY1=127.0.0.1:5000 --id cf1
  acb render -f task.yaml --values values.yaml --registry myreg.azurecr.io`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			loaded, masker, err := loadForDisplay(cmd, c, &lf)
			if err != nil {
				return err
			}
			text := load.RenderedWithImageAliases(loaded)
			if !showSecrets {
				text = masker.String(text)
			}
			_, err = io.WriteString(c.out.Result(), text)
			return err
		},
	}
	lf.register(cmd.Flags(), true)
	lf.registerNetwork(cmd.Flags())
	cmd.Flags().BoolVar(&showSecrets, "show-secrets", false, "print secret values instead of ***")
	return cmd
}
