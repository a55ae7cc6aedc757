package bench

import (
	"math"
	"testing"
)

const sampleBench = `goos: linux
goarch: amd64
pkg: github.com/acb-dev/acb/runner
cpu: AMD EPYC
BenchmarkLoad/steps=10-2         	    5000	    240000 ns/op	  12.50 MB/s	   81234 B/op	    1234 allocs/op
BenchmarkLoad/steps=100-2        	     500	   2000000 ns/op	  15.00 MB/s	  812345 B/op	   12345 allocs/op
BenchmarkLoad/steps=1000-2       	      50	  21000000 ns/op	  14.00 MB/s	 8123456 B/op	  123456 allocs/op
PASS
ok  	github.com/acb-dev/acb/runner	5.1s
pkg: github.com/acb-dev/acb/graph
BenchmarkParse/steps=100         	    1000	   1000000 ns/op	     100 B/op	      10 allocs/op
BenchmarkParse/steps=1000        	     100	  40000000 ns/op	    1000 B/op	     100 allocs/op
BenchmarkOther-2 	 1000000	      1.5 ns/op
`

func TestParseGoBench(t *testing.T) {
	got, err := ParseGoBench([]byte(sampleBench))
	if err != nil {
		t.Fatal(err)
	}
	want := []GoBench{
		{Pkg: "github.com/acb-dev/acb/runner", Name: "BenchmarkLoad", Steps: 10, N: 5000, NsPerOp: 240000, BytesPerOp: 81234, AllocsPerOp: 1234},
		{Pkg: "github.com/acb-dev/acb/runner", Name: "BenchmarkLoad", Steps: 100, N: 500, NsPerOp: 2000000, BytesPerOp: 812345, AllocsPerOp: 12345},
		{Pkg: "github.com/acb-dev/acb/runner", Name: "BenchmarkLoad", Steps: 1000, N: 50, NsPerOp: 21000000, BytesPerOp: 8123456, AllocsPerOp: 123456},
		{Pkg: "github.com/acb-dev/acb/graph", Name: "BenchmarkParse", Steps: 100, N: 1000, NsPerOp: 1000000, BytesPerOp: 100, AllocsPerOp: 10},
		{Pkg: "github.com/acb-dev/acb/graph", Name: "BenchmarkParse", Steps: 1000, N: 100, NsPerOp: 40000000, BytesPerOp: 1000, AllocsPerOp: 100},
		{Pkg: "github.com/acb-dev/acb/graph", Name: "BenchmarkOther", N: 1000000, NsPerOp: 1.5},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d results, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("result %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestGrowth(t *testing.T) {
	bs, err := ParseGoBench([]byte(sampleBench))
	if err != nil {
		t.Fatal(err)
	}
	g := Growth(bs)
	if len(g) != 2 {
		t.Fatalf("got %d checks, want 2 (BenchmarkOther has no sizes): %+v", len(g), g)
	}
	if g[0].Name != "BenchmarkLoad" || g[0].From != 100 || g[0].To != 1000 || math.Abs(g[0].Ratio-1.05) > 1e-9 || !g[0].Linear() {
		t.Errorf("load check = %+v, want 100→1000, ratio 1.05, linear", g[0])
	}
	if g[1].Name != "BenchmarkParse" || math.Abs(g[1].Ratio-4) > 1e-9 || g[1].Linear() {
		t.Errorf("parse check = %+v, want ratio 4, not linear", g[1])
	}
}
