package runner

import (
	"context"
	"fmt"
	"strings"

	"github.com/acb-dev/acb/runner/engine"
)

// CleanOptions configures Clean.
type CleanOptions struct {
	// Run limits the clean-up to one run id; it also removes that run's
	// objects whose owner cannot be told (another host, an older acb).
	Run string
	// DryRun lists what would be removed and removes nothing.
	DryRun bool
	// OwnRunOver counts the objects this process created as left behind:
	// for a caller whose run has ended (--shell-on-failure).
	OwnRunOver bool
}

// Cleaned is one object Clean looked at and what it did.
type Cleaned struct {
	Object engine.Object
	Run    string // the object's run id
	// Removed: removed (or, in a dry run, would be). Otherwise Reason says
	// why it was left.
	Removed bool
	Reason  string
	Err     error // the removal failed
}

// String is the line acb clean prints for c.
func (c Cleaned) String(dryRun bool) string {
	what := fmt.Sprintf("%s %s (run %s)", c.Object.Kind, c.Object.Name, c.Run)
	switch {
	case c.Err != nil:
		return "failed to remove " + what + ": " + c.Err.Error()
	case c.Removed && dryRun:
		return "would remove " + what
	case c.Removed:
		return "removed " + what
	}
	return "left " + what + ": " + c.Reason
}

// Clean removes what acb runs left on the engine: the objects labelled
// engine.LabelRun whose run is no longer alive (killed runs, keep: true,
// --keep-on-failure, acb shell killed mid-way). A run is alive while the
// acb process named by an object's engine.LabelOwner runs; objects whose
// owner cannot be told are left unless opts.Run names their run.
// Containers go first, then networks, volumes and images.
func Clean(ctx context.Context, sw engine.Sweeper, opts CleanOptions) ([]Cleaned, error) {
	objs, err := sw.ListRunObjects(ctx, opts.Run)
	if err != nil {
		return nil, engineErr("listing acb's objects", err)
	}
	// A run's state is the most alive of its objects' owners.
	type state struct {
		alive, unknown bool
		owner          string
	}
	runs := map[string]*state{}
	self := processOwner()
	for _, o := range objs {
		run := o.Labels[engine.LabelRun]
		st := runs[run]
		if st == nil {
			st = &state{}
			runs[run] = st
		}
		alive, known := OwnerAlive(o.Labels[engine.LabelOwner])
		if opts.OwnRunOver && ownerProcess(o.Labels[engine.LabelOwner]) == self {
			alive, known = false, true
		}
		switch {
		case alive:
			st.alive, st.owner = true, o.Labels[engine.LabelOwner]
		case !known:
			st.unknown = true
		}
	}
	var out []Cleaned
	for _, o := range objs {
		run := o.Labels[engine.LabelRun]
		c := Cleaned{Object: o, Run: run}
		st := runs[run]
		switch {
		case st.alive:
			c.Reason = "its run is still going (acb process " + ownerPID(st.owner) + ")"
		case st.unknown && opts.Run == "":
			c.Reason = "acb cannot tell whether its run is over (made on another host or by an older acb); name the run with --run to remove it"
		default:
			c.Removed = true
			if !opts.DryRun {
				c.Err = sw.RemoveObject(ctx, o)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// ownerPID is the pid part of a LabelOwner value.
func ownerPID(owner string) string {
	parts := strings.Split(owner, "/")
	if len(parts) >= 3 {
		return parts[1]
	}
	return owner
}
