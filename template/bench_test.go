package template

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// benchTask generates a v1.1.0 task with an alias block and n steps that
// use aliases, templates and comments.
func benchTask(n int) string {
	var b strings.Builder
	b.WriteString("version: v1.1.0\nalias:\n  values:\n    repo: {{ .Values.repo | default \"hello\" }}\n    img: mcr.microsoft.com/hello-world\nsteps:\n")
	for i := range n {
		fmt.Fprintf(&b, "  # step %d\n  - id: s%d\n    build: -t $Registry/$repo:$ID-%d -f Dockerfile .\n    env: [\"RUN={{.Run.ID}}\", \"I=%d\"]\n", i, i, i, i)
		if i%10 == 0 {
			fmt.Fprintf(&b, "  - cmd: |\n      # kept comment\n      bash -c 'echo $$HOME {{ .Values.missing }}'\n")
		}
	}
	return b.String()
}

func BenchmarkExpandRender(b *testing.B) {
	data := testData()
	for _, n := range []int{10, 100, 1000, 10000} {
		src := []byte(benchTask(n))
		b.Run(fmt.Sprintf("steps=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			ctx := context.Background()
			for b.Loop() {
				doc, err := Expand(ctx, "bench.yaml", src, data, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := doc.Render(ctx, data, RenderOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
