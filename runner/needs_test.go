package runner

import (
	"strings"
	"testing"

	"github.com/acb-dev/acb/graph"
)

// A run creates the task's networks only when a step starts a container
// on one: cmd steps, or a build whose --network names a task network.
// Otherwise it says so in ACR's "Skip creating network" line.
func TestNetworksOnlyWhenAStepUsesThem(t *testing.T) {
	const skipped = "Skip creating network: acb_default_network (no step of this run starts a container on it)"
	for _, tc := range []struct {
		name, task string
		sel        graph.Selection
		want       bool
	}{
		{"push only", "steps:\n  - push: [\"reg.example/a:1\"]\n", graph.Selection{}, false},
		{"no step", "steps: []\n", graph.Selection{}, false},
		{"push and cmd", "steps:\n  - push: [\"reg.example/a:1\"]\n  - cmd: bb echo hi\n", graph.Selection{}, true},
		{"build", "steps:\n  - build: -t a:1 .\n", graph.Selection{}, false},
		{"build on the host network", "steps:\n  - build: -t a:1 --network host .\n", graph.Selection{}, false},
		{"build on the task network", "steps:\n  - build: -t a:1 --network acb_default_network .\n", graph.Selection{}, true},
		{"build on a declared network", "networks:\n  - name: mine\nsteps:\n  - build: --network=mine -t a:1 .\n", graph.Selection{}, true},
		{"--only the push of a task with a cmd step", "steps:\n  - id: p\n    push: [\"reg.example/a:1\"]\n  - id: c\n    cmd: bb echo hi\n", graph.Selection{Only: []string{"p"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _, _, log, _ := runFake(t, tc.task, Options{Selection: tc.sel})
			created := len(f.CreatedNetworks()) > 0
			if created != tc.want {
				t.Errorf("networks created %q, want created %v", f.CreatedNetworks(), tc.want)
			}
			if !tc.want && !strings.Contains(log, skipped) && !strings.Contains(log, "Skip creating network: mine") {
				t.Errorf("log lacks %q:\n%s", skipped, log)
			}
			if tc.want && strings.Contains(log, "(no step of this run") {
				t.Errorf("log says a created network was skipped:\n%s", log)
			}
		})
	}
}
