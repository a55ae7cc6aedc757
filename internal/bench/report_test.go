package bench

import (
	"strings"
	"testing"
	"time"
)

func TestRowBuilders(t *testing.T) {
	s := Summarize([]time.Duration{5200 * time.Millisecond, 5100 * time.Millisecond, 5300 * time.Millisecond})
	r := TimeRow("20 steps", "acb run", s).WithRatio(1.054, "API").WithGoal("≤ 1.10 × API", true)
	want := Row{Workload: "20 steps", Variant: "acb run", Median: "5200 ms", Min: "5100 ms", Max: "5300 ms",
		Ratio: "1.05 × API", Goal: "≤ 1.10 × API", Met: "yes"}
	if r != want {
		t.Errorf("row = %+v\nwant %+v", r, want)
	}
	if r := r.WithGoal("x", false); r.Met != "**NO**" {
		t.Errorf("missed goal shows %q", r.Met)
	}
	m := MemRow("peak RSS", "build", []int64{30 << 20, 10 << 20, 20 << 20})
	if m.Median != "20.0 MiB" || m.Min != "10.0 MiB" || m.Max != "30.0 MiB" {
		t.Errorf("memory row = %+v", m)
	}
	if m := MemRow("peak RSS", "none", nil); m.Median != "–" {
		t.Errorf("empty memory row = %+v", m)
	}
}

func TestRender(t *testing.T) {
	rep := &Report{
		Started: time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC),
		Elapsed: 90 * time.Second,
		Reps:    5,
		Warmup:  true,
		Machine: Machine{CPU: "AMD EPYC", Cores: 2, MemoryMiB: 24064, Kernel: "6.18", Engine: "Docker Engine 20.10.24"},
		Load:    []LoadSample{{When: "before steps", Load: "0.10 0.20 0.30"}},
		Rows: []Row{
			TimeRow("a|b", "acb run", Summary{N: 1, Median: time.Second, Min: time.Second, Max: time.Second}).WithGoal("< 2 s", true),
		},
		FrontEnd: []GoBench{
			{Pkg: "github.com/acb-dev/acb/runner", Name: "BenchmarkLoad", Steps: 100, NsPerOp: 1e6, BytesPerOp: 10, AllocsPerOp: 2},
			{Pkg: "github.com/acb-dev/acb/runner", Name: "BenchmarkLoad", Steps: 1000, NsPerOp: 3e7, BytesPerOp: 100, AllocsPerOp: 20},
		},
		Findings: []string{"something missed"},
		Notes:    []string{"how"},
	}
	var b strings.Builder
	if err := rep.Render(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"# Benchmarks\n",
		"2026-11-26 05:00 UTC, 1m30s in total, 5 measured repetitions per workload (after one warm-up)",
		"| CPU | AMD EPYC, 2 cores |",
		"| Memory | 23.5 GiB |",
		"| before steps | 0.10 0.20 0.30 |",
		"| a\\|b | acb run | 1000 ms | 1000 ms | 1000 ms |  | < 2 s | yes |",
		"| runner | BenchmarkLoad | 1000 | 30000000 | 30.000 | 30.0 µs | 100 | 20 |",
		"| runner | BenchmarkLoad | 3.00 | **NO** |",
		"## Findings\n\n- something missed\n",
		"## How it was measured\n\n- how\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
