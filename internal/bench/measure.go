package bench

import (
	"context"
	"fmt"
	"syscall"
	"time"
)

// Variant is one way of doing a workload's work.
type Variant struct {
	Name string
	// NeedsRun marks variants that call `acb run`; they are skipped when
	// this acb has no run command.
	NeedsRun bool
	// Prepare runs untimed before every execution (e.g. remove the image a
	// build made, empty the registry).
	Prepare func(ctx context.Context) error
	// Do does the work once and returns its duration and, for a child
	// process, its peak RSS in bytes (0 otherwise).
	Do func(ctx context.Context) (time.Duration, int64, error)
}

// Samples are the measured repetitions of one variant.
type Samples struct {
	Times []time.Duration
	RSS   []int64
}

// Summary summarises the times.
func (s *Samples) Summary() Summary {
	if s == nil {
		return Summary{}
	}
	return Summarize(s.Times)
}

// measure runs every variant once per repetition, rotating the order each
// repetition so that no variant always goes first, after one unmeasured
// warm-up repetition if configured. The page cache is flushed (sync) before
// each execution so one variant's writes are not paid for by the next.
func (h *Harness) measure(ctx context.Context, workload string, reps int, vs []Variant) (map[string]*Samples, error) {
	var run []Variant
	for _, v := range vs {
		if v.NeedsRun && !h.hasRun {
			continue
		}
		run = append(run, v)
	}
	res := make(map[string]*Samples, len(run))
	for _, v := range run {
		res[v.Name] = &Samples{}
	}
	first := 0
	if h.cfg.Warmup {
		first = -1
	}
	for rep := first; rep < reps; rep++ {
		for i := range run {
			v := run[(i+max(rep, 0))%len(run)]
			if v.Prepare != nil {
				if err := v.Prepare(ctx); err != nil {
					return res, fmt.Errorf("%s, %s: prepare: %w", workload, v.Name, err)
				}
			}
			syscall.Sync()
			d, rss, err := v.Do(ctx)
			if err != nil {
				return res, fmt.Errorf("%s, %s: %w", workload, v.Name, err)
			}
			if rep < 0 {
				h.logf("  %s / %s: warm-up %s", workload, v.Name, FormatDuration(d))
				continue
			}
			h.logf("  %s / %s: rep %d %s", workload, v.Name, rep+1, FormatDuration(d))
			res[v.Name].Times = append(res[v.Name].Times, d)
			if rss > 0 {
				res[v.Name].RSS = append(res[v.Name].RSS, rss)
			}
		}
	}
	return res, nil
}

// timed adapts a function without its own timing to Variant.Do.
func timed(f func(ctx context.Context) error) func(context.Context) (time.Duration, int64, error) {
	return func(ctx context.Context) (time.Duration, int64, error) {
		start := time.Now()
		err := f(ctx)
		return time.Since(start), 0, err
	}
}

// process adapts a child process to Variant.Do; cmd is built anew for each
// execution (e.g. with a fresh run id).
func process(cmd func() Cmd) func(context.Context) (time.Duration, int64, error) {
	return func(ctx context.Context) (time.Duration, int64, error) {
		r, err := Time(ctx, cmd())
		return r.Elapsed, r.MaxRSS, err
	}
}
