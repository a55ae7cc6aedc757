package main

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/acb-dev/acb/graph"
)

// selectFlags choose steps: --target, --only, --from and --skip (acb run
// and acb graph). Their values complete to the task's step ids
// (completion.go).
type selectFlags struct {
	sel graph.Selection
}

func (f *selectFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.sel.Targets, "target", nil, "run this step and every step it needs through when (repeatable)")
	fs.StringArrayVar(&f.sel.Only, "only", nil, "run just this step (repeatable)")
	fs.StringArrayVar(&f.sel.From, "from", nil, "run this step and every step that depends on it (repeatable; with --target: the steps between)")
	fs.StringArrayVar(&f.sel.Skip, "skip", nil, "leave this step out; the steps after it still wait for what it waits for (repeatable)")
}

// checkSelection reports unknown step ids and a selection of no step
// before anything starts (the runner would refuse them too, but after the
// set-up lines).
func checkSelection(dag *graph.DAG, sel graph.Selection) error {
	if sel.IsZero() || dag == nil {
		return nil
	}
	got, err := dag.Select(sel)
	if err != nil {
		return err
	}
	if len(got.Steps) == 0 {
		return errors.New("the step selection leaves no step to run")
	}
	return nil
}
