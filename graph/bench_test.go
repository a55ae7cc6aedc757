package graph

import (
	"fmt"
	"strings"
	"testing"
)

// genTask builds a task of n steps mixing the three types, parallel starts,
// id references and default ordering.
func genTask(n int) []byte {
	var b strings.Builder
	b.WriteString("version: v1.1.0\nstepTimeout: 300\nenv:\n  - A=1\n  - B=x,y\nsteps:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - id: step-%d\n", i)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "    build: -t registry.example.com/app:%d -f Dockerfile .\n    when: [\"-\"]\n", i)
		case 1:
			fmt.Fprintf(&b, "    cmd: registry.example.com/app:%d run --flag\n    env: [A=2, C=3]\n    retries: 2\n", i-1)
		case 2:
			fmt.Fprintf(&b, "    cmd: bash echo %d\n    when: [step-%d, step-%d]\n    timeout: 60\n", i, i-1, i-2)
		default:
			fmt.Fprintf(&b, "    push:\n      - registry.example.com/app:%d\n      - localhost:5000/app\n", i-3)
		}
	}
	return []byte(b.String())
}

var benchSizes = []int{10, 100, 1000, 10000}

func BenchmarkParse(b *testing.B) {
	for _, n := range benchSizes {
		src := genTask(n)
		b.Run(fmt.Sprintf("steps=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				if _, err := Parse(src, ParseOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNewDAG(b *testing.B) {
	for _, n := range benchSizes {
		task, err := Parse(genTask(n), ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("steps=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := NewDAG(task); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestGeneratedTaskParses keeps the benchmark input valid.
func TestGeneratedTaskParses(t *testing.T) {
	task, err := Parse(genTask(100), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(task.Warnings) != 0 {
		t.Fatalf("warnings: %v", task.Warnings)
	}
	if _, err := NewDAG(task); err != nil {
		t.Fatal(err)
	}
}
