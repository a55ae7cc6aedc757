package docker_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/acb-dev/acb/runner/engine"
)

// TestCreateNetworkConcurrentSameName creates one network name from several
// goroutines at once, as two runs starting together without --unique-names
// do: exactly one create succeeds, the others get ErrConflict, and a single
// network of that name remains (duplicates would make every later use of
// the name fail as "ambiguous", its removal included).
func TestCreateNetworkConcurrentSameName(t *testing.T) {
	f := setup(t)
	name := f.name("racenet")
	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.e.CreateNetwork(f.ctx, engine.NetworkSpec{Name: name, Labels: f.labels()})
		}()
	}
	wg.Wait()
	t.Cleanup(func() {
		// By id through the label listing: a raced duplicate makes the name
		// ambiguous, and removal by name would leave both networks.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		objs, err := f.e.ListLabeled(ctx, engine.LabelRun, f.run)
		if err != nil {
			t.Errorf("listing networks: %v", err)
			return
		}
		for _, n := range objs.Networks {
			if err := f.e.RemoveNetwork(ctx, n); err != nil {
				t.Errorf("removing network %s: %v", n, err)
			}
		}
	})
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, engine.ErrConflict):
			t.Errorf("create: %v, want a conflict", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d creates succeeded, want 1 (%v)", ok, errs)
	}
	if err := f.e.RemoveNetwork(f.ctx, name); err != nil {
		t.Fatalf("removing the one network: %v", err)
	}
	if exists, err := f.e.NetworkExists(f.ctx, name); err != nil || exists {
		t.Errorf("after removing it, exists=%v err=%v: a duplicate was left", exists, err)
	}
}
