package bench

import (
	"testing"

	"github.com/acb-dev/acb/graph"
)

// TestTasksParse keeps the generated task files valid for acb.
func TestTasksParse(t *testing.T) {
	for name, src := range map[string]string{
		"steps":    cmdTask(20, "true", false),
		"parallel": cmdTask(8, "sleep 2", true),
		"build":    buildTask("acbbench/build:acb-x", LabelKey+"=x"),
		"push":     pushTask([]string{"127.0.0.1:5000/a:1", "127.0.0.1:5000/b:1"}),
	} {
		task, err := graph.Parse([]byte(src), graph.ParseOptions{})
		if err != nil {
			t.Errorf("%s: %v\n%s", name, err, src)
			continue
		}
		if len(task.Warnings) != 0 {
			t.Errorf("%s: warnings %v", name, task.Warnings)
		}
	}
}
