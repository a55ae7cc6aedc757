package runner

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/acb-dev/acb/runner/engine"
)

func TestOwnerAlive(t *testing.T) {
	host, _ := os.Hostname()
	if alive, known := OwnerAlive(processOwner()); !alive || !known {
		t.Errorf("this process: alive %v known %v", alive, known)
	}
	if alive, known := OwnerAlive(invocationOwner("u")); !alive || !known {
		t.Errorf("an invocation of this process: alive %v known %v", alive, known)
	}
	// The same pid with another start time is a reused pid: not alive.
	if alive, known := OwnerAlive(host + "/" + itoa(os.Getpid()) + "/1"); alive || !known {
		t.Errorf("reused pid: alive %v known %v", alive, known)
	}
	for _, v := range []string{"", "x", "other-host/1/1", host + "/notapid/1", host + "/1/"} {
		if _, known := OwnerAlive(v); known {
			t.Errorf("%q: known", v)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// fakeSweeper lists fixed objects and records removals.
type fakeSweeper struct {
	objs    []engine.Object
	removed []string
}

func (f *fakeSweeper) ListRunObjects(_ context.Context, run string) ([]engine.Object, error) {
	var out []engine.Object
	for _, o := range f.objs {
		if run == "" || o.Labels[engine.LabelRun] == run {
			out = append(out, o)
		}
	}
	return out, nil
}

func (f *fakeSweeper) RemoveObject(_ context.Context, o engine.Object) error {
	f.removed = append(f.removed, o.Name)
	return nil
}

func TestClean(t *testing.T) {
	host, _ := os.Hostname()
	dead := host + "/" + itoa(os.Getpid()) + "/1"
	obj := func(kind, name, run, owner string) engine.Object {
		l := map[string]string{engine.LabelRun: run}
		if owner != "" {
			l[engine.LabelOwner] = owner
		}
		return engine.Object{Kind: kind, Name: name, Labels: l}
	}
	objs := []engine.Object{
		obj("container", "live-c", "live", processOwner()),
		obj("volume", "live-v", "live", processOwner()),
		obj("container", "dead-c", "dead", dead),
		obj("network", "dead-n", "dead", dead),
		obj("volume", "old-v", "old", ""),
	}
	f := &fakeSweeper{objs: objs}
	done, err := Clean(context.Background(), f, CleanOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.removed) != 0 {
		t.Fatalf("dry run removed %v", f.removed)
	}
	var lines []string
	for _, c := range done {
		lines = append(lines, c.String(true))
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		"left container live-c (run live): its run is still going (acb process " + itoa(os.Getpid()) + ")",
		"would remove container dead-c (run dead)",
		"would remove network dead-n (run dead)",
		"left volume old-v (run old): acb cannot tell whether its run is over",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if _, err := Clean(context.Background(), f, CleanOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.removed, " ") != "dead-c dead-n" {
		t.Errorf("removed %v", f.removed)
	}
	f.removed = nil
	_, _ = Clean(context.Background(), f, CleanOptions{Run: "old"})
	_, _ = Clean(context.Background(), f, CleanOptions{Run: "live"})
	if strings.Join(f.removed, " ") != "old-v" {
		t.Errorf("--run: removed %v", f.removed)
	}
	f.removed = nil
	_, _ = Clean(context.Background(), f, CleanOptions{Run: "live", OwnRunOver: true})
	if strings.Join(f.removed, " ") != "live-c live-v" {
		t.Errorf("own run over: removed %v", f.removed)
	}
}
