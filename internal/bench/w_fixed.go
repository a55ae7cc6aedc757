package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fixedGoal is issue 18's goal for acb's fixed cost per run.
const fixedGoal = 150 * time.Millisecond

// parts collects the `acb timing:` lines (ACB_TIMING=1) of acb runs.
type parts struct {
	mu sync.Mutex
	by map[string][]time.Duration
}

// process is process() for an acb run with ACB_TIMING=1, keeping its
// timing lines.
func (p *parts) process(cmd func() Cmd) func(context.Context) (time.Duration, int64, error) {
	return func(ctx context.Context) (time.Duration, int64, error) {
		c := cmd()
		c.Env = append(c.Env, "ACB_TIMING=1")
		r, err := Time(ctx, c)
		p.add(r.Output)
		return r.Elapsed, r.MaxRSS, err
	}
}

func (p *parts) add(out []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.by == nil {
		p.by = map[string][]time.Duration{}
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(strings.TrimPrefix(sc.Text(), "acb timing: "))
		if !strings.HasPrefix(sc.Text(), "acb timing: ") || len(f) != 3 {
			continue
		}
		ms, err := strconv.ParseFloat(f[1], 64)
		if err == nil {
			p.by[f[0]] = append(p.by[f[0]], time.Duration(ms*float64(time.Millisecond)))
		}
	}
}

// String gives each part's median, in the order the run reports them.
func (p *parts) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	order := []string{"setup", "setup.volume", "setup.networks", "setup.home", "cleanup", "cleanup.containers", "cleanup.networks", "cleanup.volumes"}
	var out []string
	for _, k := range order {
		d := p.by[k]
		if len(d) == 0 {
			continue
		}
		s := append([]time.Duration(nil), d...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		out = append(out, fmt.Sprintf("%s %s", k, FormatDuration(s[len(s)/2])))
	}
	if len(out) == 0 {
		return "no timing lines (an acb without ACB_TIMING)"
	}
	return strings.Join(out, ", ")
}

// fixed measures acb's fixed cost per run: a task with no step and a task
// with one `true` step, against the engine's own set-up and tear-down of
// acb's layout (a user-defined network and two volumes) and of the network
// alone.
func (h *Harness) fixed(ctx context.Context) error {
	const w = "fixed cost per run"
	empty, err := h.writeTask("fixed-empty.yaml", "version: v1.1.0\nsteps: []\n")
	if err != nil {
		return err
	}
	one, err := h.writeTask("fixed-one.yaml", cmdTask(1, "true", false))
	if err != nil {
		return err
	}
	twenty, err := h.writeTask("fixed-twenty.yaml", cmdTask(stepsN, "true", false))
	if err != nil {
		return err
	}
	loop := NewAPILoop(h.cli, h.labels())
	vOnly := fmt.Sprintf("acb run --only s%d of %d sequential `true` steps (the debug loop)", stepsN/2, stepsN)
	const (
		vEmpty   = "acb run, a task with no step"
		vOne     = "acb run, one `true` step"
		vLayout  = "Engine API, acb's layout created and removed (network + 2 volumes, no container)"
		vNetwork = "Engine API, a network created and removed"
		vAPIOne  = "Engine API, one container in acb's layout"
	)
	emptyParts, oneParts := &parts{}, &parts{}
	res, err := h.measure(ctx, w, h.cfg.Reps, []Variant{
		{Name: vEmpty, NeedsRun: true, Do: emptyParts.process(func() Cmd { return h.acbRun(empty, "/dev/null") })},
		{Name: vOne, NeedsRun: true, Do: oneParts.process(func() Cmd { return h.acbRun(one, "/dev/null") })},
		{Name: vOnly, NeedsRun: true, Do: process(func() Cmd {
			c := h.acbRun(twenty, "/dev/null")
			c.Args = append(c.Args, "--only", fmt.Sprintf("s%d", stepsN/2))
			return c
		})},
		{Name: vLayout, Do: timed(func(ctx context.Context) error {
			return loop.Run(ctx, BusyboxTag, nil, 0, false, h.acbLayout())
		})},
		{Name: vNetwork, Do: timed(func(ctx context.Context) error {
			return loop.Run(ctx, BusyboxTag, nil, 0, false, Layout{Network: h.nextID("net")})
		})},
		{Name: vAPIOne, Do: timed(func(ctx context.Context) error {
			return loop.Run(ctx, BusyboxTag, []string{"true"}, 1, false, h.acbLayout())
		})},
	})
	if err != nil {
		return err
	}
	why := ""
	if n, ok := res[vNetwork]; ok && len(n.Times) > 0 {
		why = fmt.Sprintf("The engine alone takes %s to create and remove the run's network (%s for the whole layout), which every run of ACR's model needs; acb's own parts (ACB_TIMING medians): %s.",
			FormatDuration(n.Summary().Median), FormatDuration(res[vLayout].Summary().Median), emptyParts)
	}
	if s, ok := res[vEmpty]; ok && len(s.Times) > 0 {
		met := s.Summary().Median <= fixedGoal
		r := TimeRow(w, vEmpty, s.Summary()).WithRatio(Ratio(s.Summary(), res[vLayout].Summary()), vLayout).
			WithGoal("≤ "+FormatDuration(fixedGoal), met)
		h.rep.Rows = append(h.rep.Rows, r)
		if !met {
			h.rep.Findings = append(h.rep.Findings, fmt.Sprintf("**Missed: %s, %s takes %s (goal ≤ %s).** %s",
				w, vEmpty, FormatDuration(s.Summary().Median), FormatDuration(fixedGoal), why))
		}
	}
	h.addRow(w, vOne, res, vAPIOne)
	h.addRow(w, vOnly, res, vOne)
	h.addRow(w, vLayout, res, "")
	h.addRow(w, vNetwork, res, vLayout)
	h.addRow(w, vAPIOne, res, vLayout)
	h.rep.Notes = append(h.rep.Notes,
		fmt.Sprintf("Fixed cost: `acb run` with ACB_TIMING=1 reports its parts; medians for the task with no step: %s; with one `true` step: %s. A run without cmd steps creates no home volume (nothing could read it).", emptyParts, oneParts))
	return nil
}
