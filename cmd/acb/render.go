package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/runner"
	"github.com/acb-dev/acb/secrets"
)

func newRenderCommand() *cobra.Command {
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
			lf.stdin = cmd.InOrStdin()
			opts, err := lf.options(lf.file)
			if err != nil {
				return err
			}
			opts.AllowUnresolvedSecrets = true
			loaded, err := runner.Load(cmd.Context(), opts)
			if err != nil {
				return asInput(err)
			}
			printWarnings(cmd.ErrOrStderr(), loaded)
			text := runner.RenderedWithImageAliases(loaded)
			if !showSecrets {
				text = secrets.NewMasker(loaded.SecretValues...).String(text)
			}
			_, err = io.WriteString(cmd.OutOrStdout(), text)
			return err
		},
	}
	lf.register(cmd.Flags(), true)
	cmd.Flags().BoolVar(&showSecrets, "show-secrets", false, "print secret values instead of ***")
	return cmd
}

func printWarnings(w io.Writer, l *runner.Loaded) {
	for _, d := range l.Warnings {
		fmt.Fprintln(w, d.Error())
	}
}
