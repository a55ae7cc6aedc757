package runner

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTimingParts(t *testing.T) {
	var mu sync.Mutex
	got := map[string]time.Duration{}
	opts := Options{Timing: func(part string, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		got[part] = d
	}}
	_, _, err, _, _ := runFake(t, "steps:\n  - cmd: bb sleep 20ms\n", opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{TimeSetup, TimeSetupVolume, TimeSetupNetworks, TimeSetupHome, TimeSteps,
		TimeCleanup, TimeCleanContainer, TimeCleanNetworks, TimeCleanVolumes} {
		if _, ok := got[p]; !ok {
			t.Errorf("no time reported for %s (got %v)", p, got)
		}
	}
	if got[TimeSteps] < 20*time.Millisecond {
		t.Errorf("steps took %v, less than the step's sleep", got[TimeSteps])
	}
}

// Only cmd steps mount the home volume; a run of build and push steps
// creates none (and writes no configuration into it).
func TestHomeVolumeOnlyForCmdSteps(t *testing.T) {
	for _, tc := range []struct {
		task string
		home bool
	}{
		{"steps:\n  - push: [\"reg.example/a:1\"]\n", false},
		{"steps:\n  - push: [\"reg.example/a:1\"]\n  - cmd: bb echo hi\n", true},
	} {
		f, _, err, _, _ := runFake(t, tc.task, Options{})
		if err != nil {
			t.Fatal(err)
		}
		home := slices.ContainsFunc(f.CreatedVolumes(), func(v string) bool { return strings.HasPrefix(v, "acb_home_") })
		if home != tc.home {
			t.Errorf("%q: home volume created %v, want %v (volumes %q)", tc.task, home, tc.home, f.CreatedVolumes())
		}
	}
}
