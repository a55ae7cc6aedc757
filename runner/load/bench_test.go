package load

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/acb-dev/acb/template"
)

// genTask returns a v1.1.0 task of n steps that uses aliases, templates,
// when dependencies and the common step properties.
func genTask(n int) []byte {
	var b strings.Builder
	b.WriteString("version: v1.1.0\nstepTimeout: 300\nenv:\n  - TASK=1\nalias:\n  values:\n    repo: myrepo\nsteps:\n")
	for i := range n {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "  - id: build%d\n    build: -t $Registry/$repo:$ID-%d -f Dockerfile .\n    when: [\"-\"]\n", i, i)
		case 1:
			fmt.Fprintf(&b, "  - id: test%d\n    cmd: bash -c 'echo {{.Values.greeting}} %d'\n    env: [\"STEP=%d\"]\n    when: [\"build%d\"]\n", i, i, i, i-1)
		case 2:
			fmt.Fprintf(&b, "  - id: push%d\n    push:\n      - \"{{.Run.Registry}}/myrepo:{{.Run.ID}}-%d\"\n", i, i-2)
		default:
			fmt.Fprintf(&b, "  - id: run%d\n    cmd: $Registry/$repo:$ID-%d --flag\n    retries: 2\n    timeout: 60\n", i, i-3)
		}
	}
	return []byte(b.String())
}

// BenchmarkLoad measures the whole front end: aliases, render, YAML parse,
// validation, image aliases and the DAG.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		src := genTask(n)
		opts := Options{
			Set: []string{"greeting=hello"},
			Run: template.RunOptions{ID: "cf1", Registry: "myregistry.azurecr.io"},
			Now: time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC),
		}
		b.Run(fmt.Sprintf("steps=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				l, err := FromBytes(context.Background(), "bench.yaml", src, opts)
				if err != nil {
					b.Fatal(err)
				}
				if len(l.Task.Steps) != n {
					b.Fatalf("got %d steps", len(l.Task.Steps))
				}
			}
		})
	}
}
