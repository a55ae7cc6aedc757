package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// GoBench is one result line of `go test -bench -benchmem`.
type GoBench struct {
	Pkg         string // import path, from the "pkg:" line before it
	Name        string // e.g. "BenchmarkLoad"
	Steps       int    // from a "/steps=N" sub-benchmark name; 0 if none
	N           int    // iterations
	NsPerOp     float64
	BytesPerOp  int64
	AllocsPerOp int64
}

var (
	benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)
	stepsPart = regexp.MustCompile(`(?:^|/)steps=(\d+)`)
)

// ParseGoBench parses the output of `go test -bench . -benchmem`, possibly
// covering several packages. Lines that are not results are skipped.
func ParseGoBench(out []byte) ([]GoBench, error) {
	var (
		res []GoBench
		pkg string
	)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if p, ok := strings.CutPrefix(line, "pkg:"); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		name, sub, _ := strings.Cut(m[1], "/")
		g := GoBench{Pkg: pkg, Name: name}
		if s := stepsPart.FindStringSubmatch(sub); s != nil {
			g.Steps, _ = strconv.Atoi(s[1])
		}
		var err error
		if g.N, err = strconv.Atoi(m[2]); err != nil {
			return nil, fmt.Errorf("benchmark line %q: %w", line, err)
		}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			v, unit := f[i], f[i+1]
			switch unit {
			case "ns/op":
				g.NsPerOp, err = strconv.ParseFloat(v, 64)
			case "B/op":
				g.BytesPerOp, err = strconv.ParseInt(v, 10, 64)
			case "allocs/op":
				g.AllocsPerOp, err = strconv.ParseInt(v, 10, 64)
			}
			if err != nil {
				return nil, fmt.Errorf("benchmark line %q: %s: %w", line, unit, err)
			}
		}
		res = append(res, g)
	}
	return res, sc.Err()
}

// GrowthCheck compares a benchmark family's time per step at its largest
// size with that at 100 steps (smaller sizes are dominated by fixed costs).
type GrowthCheck struct {
	Pkg, Name string
	From, To  int // step counts compared
	Ratio     float64
}

// MaxGrowth is the largest per-step ratio still called linear.
const MaxGrowth = 1.5

// Linear reports whether the family grows (close to) linearly.
func (g GrowthCheck) Linear() bool { return g.Ratio <= MaxGrowth }

// Growth returns one check per benchmark family with a 100-step result and a
// larger one, in the order families first appear.
func Growth(bs []GoBench) []GrowthCheck {
	type key struct{ pkg, name string }
	var order []key
	base := map[key]GoBench{}
	top := map[key]GoBench{}
	for _, b := range bs {
		k := key{b.Pkg, b.Name}
		if _, seen := top[k]; !seen {
			order = append(order, k)
		}
		if b.Steps == 100 {
			base[k] = b
		}
		if t, ok := top[k]; !ok || b.Steps > t.Steps {
			top[k] = b
		}
	}
	var res []GrowthCheck
	for _, k := range order {
		b, ok := base[k]
		t := top[k]
		if !ok || t.Steps <= b.Steps || b.NsPerOp <= 0 {
			continue
		}
		perBase := b.NsPerOp / float64(b.Steps)
		perTop := t.NsPerOp / float64(t.Steps)
		res = append(res, GrowthCheck{Pkg: k.pkg, Name: k.name, From: b.Steps, To: t.Steps, Ratio: perTop / perBase})
	}
	return res
}

// RunGoBench runs `go test -run ^$ -bench <pattern> -benchmem` on pkgs in
// the module at dir and parses the results.
func RunGoBench(ctx context.Context, goBin, dir, pattern string, pkgs ...string) ([]GoBench, error) {
	args := append([]string{"test", "-run", "^$", "-bench", pattern, "-benchmem", "-count", "1"}, pkgs...)
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, tail(out, 4000))
	}
	return ParseGoBench(out)
}

// tail returns at most the last n bytes of b as a string.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
