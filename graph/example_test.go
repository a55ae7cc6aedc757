package graph_test

import (
	"fmt"
	"os"

	"github.com/acb-dev/acb/graph"
)

func ExampleParse() {
	src := []byte(`version: v1.1.0
steps:
  - id: build
    build: -t myregistry.azurecr.io/app:v1 .
  - id: test
    cmd: myregistry.azurecr.io/app:v1 test
  - push: [myregistry.azurecr.io/app:v1]
    when: [build]
`)
	task, err := graph.Parse(src, graph.ParseOptions{File: "acb.yaml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	dag, err := graph.NewDAG(task)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = dag.Text(os.Stdout)

	_, err = graph.Parse([]byte("steps:\n  - Cmd: bash\n"), graph.ParseOptions{File: "bad.yaml"})
	fmt.Println(err)
	// Output:
	// wave 0:
	//   build [build] -t myregistry.azurecr.io/app:v1 .
	// wave 1:
	//   test [cmd] myregistry.azurecr.io/app:v1 test <- build
	//   acb_step_2 [push] myregistry.azurecr.io/app:v1 <- build
	// bad.yaml:2:5: step acb_step_0: unknown step key "Cmd"; did you mean "cmd"?
	// bad.yaml:2:5: step acb_step_0: step has none of cmd, build or push; give exactly one
}
