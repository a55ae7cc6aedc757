package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/acb-dev/acb/internal/diag"
	"github.com/acb-dev/acb/runner"
	"github.com/acb-dev/acb/runner/load"
	"github.com/acb-dev/acb/secrets"
)

// problem is one diagnostic in validate's JSON output.
type problem struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Severity string `json:"severity"`
	Step     string `json:"step,omitempty"`
	Message  string `json:"message"`
}

// fileResult is one file's verdict in validate's JSON output.
type fileResult struct {
	File     string    `json:"file"`
	Valid    bool      `json:"valid"`
	Steps    int       `json:"steps"`
	Problems []problem `json:"problems"`
}

func newValidateCommand(c *cli) *cobra.Command {
	var lf loadFlags
	var output string
	var fileFlags []string
	var allowHostShell bool
	cmd := &cobra.Command{
		Use:   "validate [-f FILE]... [FILE...]",
		Short: "Check task files and report every problem with its line",
		Long: `validate loads each file like acb run (aliases, templates, YAML, the
step rules and the DAG) and reports every problem found, each with
file:line:column and the step. It exits 0 when all files are valid, 1 otherwise.`,
		Example: `  acb validate acb.yaml
  acb validate -f acb.yaml
  acb validate --set REGISTRY1=r.example.com tasks/*.yaml
  acb validate --output json acb.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			// -f FILE, as run, render and graph take it, and files as
			// arguments; the -f files come first.
			files := append(append([]string{}, fileFlags...), args...)
			if len(files) == 0 {
				return asInput(errors.New("validate: give at least one task file (-f FILE or FILE...)"))
			}
			if output != "text" && output != "json" {
				return asInput(fmt.Errorf("--output %q: expected text or json", output))
			}
			lf.stdin = cmd.InOrStdin()
			var results []fileResult
			invalid := 0
			for _, file := range files {
				masker := secrets.NewMasker()
				opts, err := lf.options(file, masker, nil)
				if err != nil {
					return err
				}
				opts.AllowUnresolvedSecrets = true
				res := validateOne(cmd, file, opts, masker, allowHostShell)
				if !res.Valid {
					invalid++
				}
				results = append(results, res)
			}
			if output == "json" {
				enc := json.NewEncoder(c.out.Result())
				enc.SetIndent("", "  ")
				if err := enc.Encode(results); err != nil {
					return err
				}
			} else {
				printValidation(c.out.Result(), results)
			}
			if invalid > 0 {
				return &codedError{code: exitFailed, err: fmt.Errorf("%d of %d files invalid", invalid, len(files))}
			}
			return nil
		},
	}
	lf.register(cmd.Flags(), false)
	lf.registerNetwork(cmd.Flags())
	cmd.Flags().StringArrayVarP(&fileFlags, "file", "f", nil, "task file to check (- for stdin; repeatable, besides FILE arguments)")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().BoolVar(&allowHostShell, "allow-host-shell", false, "accept cmd steps that need a host shell, as acb run --allow-host-shell does")
	return cmd
}

func validateOne(cmd *cobra.Command, file string, opts load.Options, masker *secrets.Masker, allowHostShell bool) fileResult {
	res := fileResult{File: file, Problems: []problem{}}
	loaded, err := load.FromFile(cmd.Context(), opts)
	if loaded != nil {
		masker.Add(loaded.SecretValues...)
		res.Steps = len(loaded.Task.Steps)
		for _, d := range loaded.Warnings {
			res.Problems = append(res.Problems, toProblem(file, d, masker))
		}
	}
	if err == nil {
		if file != "-" {
			for _, w := range runner.BuildKitDockerfileWarnings(loaded.Task, filepath.Dir(file)) {
				res.Problems = append(res.Problems, toProblem(file, diag.Warnf(w.Step.Pos, w.Step.ID, "%s", w.Msg), masker))
			}
		}
		// What acb run would refuse when it reaches the step.
		res.Valid = true
		for _, d := range runner.CheckSteps(loaded.Task, allowHostShell) {
			res.Problems = append(res.Problems, toProblem(file, d, masker))
			res.Valid = false
		}
		return res
	}
	var list diag.List
	var one diag.Diagnostic
	switch {
	case errors.As(err, &list):
		for _, d := range list {
			res.Problems = append(res.Problems, toProblem(file, d, masker))
		}
	case errors.As(err, &one):
		res.Problems = append(res.Problems, toProblem(file, one, masker))
	default:
		res.Problems = append(res.Problems, problem{File: file, Severity: "error", Message: masker.String(err.Error())})
	}
	return res
}

func toProblem(file string, d diag.Diagnostic, m *secrets.Masker) problem {
	f := d.Pos.File
	if f == "" {
		f = file
	}
	return problem{File: f, Line: d.Pos.Line, Column: d.Pos.Col, Severity: d.Severity.String(), Step: d.StepID, Message: m.String(d.Msg)}
}

func printValidation(w io.Writer, results []fileResult) {
	for _, r := range results {
		for _, p := range r.Problems {
			d := diag.Diagnostic{Pos: diag.Position{File: p.File, Line: p.Line, Col: p.Column}, StepID: p.Step, Msg: p.Message}
			if p.Severity == "warning" {
				d.Severity = diag.Warning
			}
			fmt.Fprintln(w, d.Error())
		}
		if r.Valid {
			fmt.Fprintf(w, "%s: valid (%d steps)\n", r.File, r.Steps)
		} else {
			fmt.Fprintf(w, "%s: invalid\n", r.File)
		}
	}
}
