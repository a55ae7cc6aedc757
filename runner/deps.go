package runner

import (
	"github.com/acb-dev/acb/graph"
)

// dependencies maps each step id to the ids it waits for, from the task's
// DAG (graph.NewDAG: acr-builder's rules, duplicates removed, forward and
// unknown references rejected).
func dependencies(task *graph.Task) (map[string][]string, error) {
	dag, err := graph.NewDAG(task)
	if err != nil {
		return nil, err
	}
	deps := make(map[string][]string, len(task.Steps))
	for _, s := range task.Steps {
		deps[s.ID] = dag.Deps(s.ID)
	}
	return deps, nil
}
